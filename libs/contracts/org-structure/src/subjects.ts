/** The service's name: its NATS queue group, its health subject and its database schema owner. */
export const ORG_SERVICE = 'org-structure';

/** Request-reply subjects (ARCHITECTURE decision 2). Versioned: a payload change gets a new version. */
export const OrgSubject = {
  unitCreate: 'org.v1.unit.create',
  unitGet: 'org.v1.unit.get',
  unitList: 'org.v1.unit.list',
  unitSubtree: 'org.v1.unit.subtree',
  unitAncestors: 'org.v1.unit.ancestors',
  unitLineage: 'org.v1.unit.lineage',
  restructuringApply: 'org.v1.restructuring.apply',
  restructuringList: 'org.v1.restructuring.list',
  statistics: 'org.v1.statistics',
  importUnits: 'org.v1.import',
  leadershipLink: 'org.v1.leadership.link',
  leadershipEnd: 'org.v1.leadership.end',
  leadershipList: 'org.v1.leadership.list',
  postCreate: 'org.v1.post.create',
  postList: 'org.v1.post.list',
  quotaSet: 'org.v1.quota.set',
  quotaList: 'org.v1.quota.list',
  reductionTargetCreate: 'org.v1.reduction-target.create',
  reductionTargetList: 'org.v1.reduction-target.list',
  termCreate: 'org.v1.term.create',
  termList: 'org.v1.term.list',
} as const;
export type OrgSubject = (typeof OrgSubject)[keyof typeof OrgSubject];
