import { AUTH_ERRORS, COMMON_ERRORS, routeTableProblems } from '@contracts/common';
import { ORG_ERRORS } from './errors';
import { ORG_ROUTES } from './routes';
import { OrgSubject } from './subjects';

const routes = Object.values(ORG_ROUTES);

describe("org-structure's route table", () => {
  it('states every route once, each path parameter filling a field of its request', () => {
    expect(routeTableProblems(routes)).toEqual([]);
  });

  it('has one route per subject, under the subject’s own name', () => {
    expect(Object.keys(ORG_ROUTES).sort()).toEqual(Object.keys(OrgSubject).sort());
    for (const [name, route] of Object.entries(ORG_ROUTES)) expect(route.subject).toBe(OrgSubject[name as keyof typeof OrgSubject]);
  });

  it('declares only errors with a status', () => {
    const declared = { ...COMMON_ERRORS, ...AUTH_ERRORS, ...ORG_ERRORS };
    for (const route of routes) for (const code of route.errors) expect(declared).toHaveProperty([code]);
  });

  it('answers 201 for creating POSTs and 200 for ending a link', () => {
    expect(ORG_ROUTES.unitCreate.status).toBe(201);
    expect(ORG_ROUTES.leadershipEnd.status).toBe(200);
    expect(ORG_ROUTES.quotaSet.status).toBe(200);
  });
});
