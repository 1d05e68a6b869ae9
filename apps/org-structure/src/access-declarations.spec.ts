import { auditRoutes } from '@contracts/common';
import { ORG_ROUTES, ORG_SERVICE } from '@contracts/org-structure';
import { Reflector } from '@nestjs/core';
import { PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import { boundRoute, declaredAccess } from '@platform/auth';
import { auditController, healthController } from '@platform/service-kit';
import { orgStructureService } from './service';

const HealthController = healthController(ORG_SERVICE);
const CONTROLLERS = [...orgStructureService.controllers, HealthController, auditController(ORG_SERVICE)];
const ROUTES = [...Object.values(ORG_ROUTES), ...Object.values(auditRoutes(ORG_SERVICE))];

const reflector = new Reflector();
const handlers = CONTROLLERS.flatMap((controller) =>
  Object.getOwnPropertyNames(controller.prototype)
    .map((name) => ({ controller, name, handler: (controller.prototype as unknown as Record<string, unknown>)[name] as () => unknown }))
    .filter(({ handler }) => typeof handler === 'function' && Reflect.getMetadata(PATTERN_METADATA, handler)),
);

/* Every message handler declares the permission it needs (or that it is a health probe); none is left open. */
describe('message handlers declare their access', () => {
  it('finds the handlers', () => {
    expect(handlers.length).toBeGreaterThan(20);
  });

  it.each(handlers.map((h) => [`${h.controller.name}.${h.name}`, h] as const))('%s declares a permission', (_label, { controller, handler }) => {
    const access = declaredAccess(reflector, handler, controller);
    expect(access).toBeDefined();
    if (access?.kind === 'public') expect(controller).toBe(HealthController);
  });
});

/* The service answers exactly the routes of its contracts, each with the route's subject and permission. */
describe('message handlers are bound to routes', () => {
  it('has the routes of its contracts in its definition', () => {
    expect(orgStructureService.routes).toEqual(Object.values(ORG_ROUTES));
  });

  it('binds one handler to every route, and every handler but the health probe to a route', () => {
    const bound = handlers.filter(({ handler }) => boundRoute(reflector, handler));
    expect(bound.map(({ handler }) => boundRoute(reflector, handler)?.subject).sort()).toEqual(ROUTES.map((route) => route.subject).sort());
    expect(handlers.filter((h) => !bound.includes(h)).map((h) => h.controller)).toEqual([HealthController]);
  });

  it.each(ROUTES.map((route) => [route.subject, route] as const))('%s answers its subject with its permission', (_subject, route) => {
    const { handler, controller } = handlers.find((h) => boundRoute(reflector, h.handler)?.subject === route.subject)!;
    expect(Reflect.getMetadata(PATTERN_METADATA, handler)).toEqual([route.subject]);
    expect(declaredAccess(reflector, handler, controller)).toEqual({ kind: 'permission', permission: route.permission });
  });
});
