import { isoDate, pageOf, listOf } from '@contracts/common';
import { z } from 'zod';
import { LEADERSHIP_DIRECTIONS, OPERATION_TYPES, STAFF_CATEGORIES, UNIT_BLOCKS, UNIT_KINDS, UNIT_LEVELS } from './enums';

/*
 * What the organisation-structure service answers: the response schemas of its routes (the OpenAPI document shows
 * them) and the types its handlers must return, one statement for both.
 */

const id = z.uuid();
const kind = z.enum(UNIT_KINDS);
const level = z.enum(UNIT_LEVELS);
const block = z.enum(UNIT_BLOCKS);
const operationType = z.enum(OPERATION_TYPES);
const staffCategory = z.enum(STAFF_CATEGORIES);
const instant = z.iso.datetime({ offset: true });

/** A unit as it stood on a date. */
export const unitView = z.object({
  id,
  code: z.string(),
  name: z.string(),
  shortName: z.string().nullable(),
  kind,
  level,
  block,
  parentId: id.nullable(),
  path: z.array(id).meta({ description: 'Ids from the root down to this unit (inclusive)' }),
  validFrom: isoDate.meta({ description: 'Start of this state of the unit, inclusive' }),
  validTo: isoDate.nullable().meta({ description: 'End of this state of the unit, exclusive; null while it lasts' }),
  existsFrom: isoDate.meta({ description: 'When the unit first existed' }),
  existsUntil: isoDate.nullable().meta({ description: 'When it ceased; null while alive' }),
  formerNames: z.array(z.object({ name: z.string(), shortName: z.string().nullable(), validFrom: isoDate, validTo: isoDate })),
});
export type UnitView = z.infer<typeof unitView>;

export const subtreeNode = z.object({
  id,
  code: z.string(),
  name: z.string(),
  shortName: z.string().nullable(),
  kind,
  level,
  block,
  parentId: id.nullable(),
  depth: z.number().int().min(0).meta({ description: '0 for the root of the query' }),
});
export type SubtreeNode = z.infer<typeof subtreeNode>;

export const unitPage = pageOf(unitView);
export type UnitPage = z.infer<typeof unitPage>;

export const subtreePage = pageOf(subtreeNode).extend({ root: subtreeNode, asOf: isoDate });
export type SubtreePage = z.infer<typeof subtreePage>;

export const ancestorsView = z.object({
  asOf: isoDate,
  items: z.array(subtreeNode).meta({ description: 'From the root down to the parent of the unit' }),
});
export type AncestorsView = z.infer<typeof ancestorsView>;

export const lineageEdge = z.object({
  unitId: id,
  code: z.string(),
  name: z.string(),
  via: id.meta({ description: 'The unit on the other side of this link, nearer to the queried unit' }),
  operation: operationType,
  effectiveDate: isoDate,
  decisionRef: z.string().nullable(),
  restructuringId: id,
  distance: z.number().int().min(1).meta({ description: '1 for a direct predecessor or successor, 2 for theirs, and so on' }),
});
export type LineageEdge = z.infer<typeof lineageEdge>;

export const lineageView = z.object({
  unit: z.object({ id, code: z.string(), name: z.string() }),
  predecessors: z.array(lineageEdge),
  successors: z.array(lineageEdge),
});
export type LineageView = z.infer<typeof lineageView>;

export const restructuringView = z.object({
  id,
  decisionRef: z.string().nullable(),
  effectiveDate: isoDate,
  title: z.string().nullable(),
  recordedAt: instant,
  operations: z.array(z.object({ type: operationType, unitIds: z.array(id) })),
  affectedUnitIds: z.array(id).meta({ description: 'Units whose state changed' }),
});
export type RestructuringView = z.infer<typeof restructuringView>;

export const restructuringPage = pageOf(restructuringView);
export type RestructuringPage = z.infer<typeof restructuringPage>;

const counts = z.record(z.string(), z.number().int());
export const statisticsCounts = z.object({ total: z.number().int(), byLevel: counts, byKind: counts, byBlock: counts });
export type StatisticsCounts = z.infer<typeof statisticsCounts>;

export const statisticsView = z.object({
  rootId: id.nullable(),
  asOf: isoDate,
  counts: statisticsCounts,
  compareTo: isoDate.optional(),
  compareCounts: statisticsCounts.optional(),
  change: statisticsCounts.optional().meta({ description: 'compareTo − asOf, per bucket; negative means fewer units at `compareTo`' }),
});
export type StatisticsView = z.infer<typeof statisticsView>;

export const importResult = z.object({
  importId: id.meta({ description: "The import's id: its audit record's object" }),
  created: z.number().int().min(0),
  unchanged: z.number().int().min(0),
  unitIds: z.array(id),
});
export type ImportResult = z.infer<typeof importResult>;

export interface ImportRowError {
  line: number;
  errors: Array<{ path: string; message: string }>;
}

const otherUnit = z.object({ id, code: z.string(), name: z.string() });

export const leadershipLinkView = z.object({
  id,
  leaderId: id,
  ledId: id,
  validFrom: isoDate,
  validTo: isoDate.nullable(),
  decisionRef: z.string().nullable(),
  other: otherUnit.optional().meta({ description: 'The unit on the other side, as of the query date' }),
  direction: z.enum(LEADERSHIP_DIRECTIONS).optional(),
});
export type LeadershipLinkView = z.infer<typeof leadershipLinkView>;

export const leadershipList = listOf(leadershipLinkView);

export const postView = z.object({
  id,
  unitId: id,
  title: z.string(),
  seats: z.number().int(),
  validFrom: isoDate,
  validTo: isoDate.nullable(),
});
export type PostView = z.infer<typeof postView>;

export const postList = listOf(postView);

export const quotaView = z.object({
  unitId: id,
  year: z.number().int(),
  category: staffCategory,
  approved: z.number().int(),
  actual: z.number().int().nullable(),
});
export type QuotaView = z.infer<typeof quotaView>;

export const quotaList = listOf(quotaView);

export const reductionTargetView = z.object({
  id,
  unitId: id,
  category: staffCategory,
  fromYear: z.number().int(),
  toYear: z.number().int(),
  percent: z.number(),
  decisionRef: z.string().nullable(),
  progress: z
    .object({
      baseline: z.number().nullable(),
      latestYear: z.number().int().nullable(),
      latest: z.number().nullable(),
      reducedPercent: z.number().nullable(),
      targetHeadcount: z.number().nullable(),
      onTrack: z.boolean().nullable(),
    })
    .meta({ description: 'Progress from the recorded quotas: baseline at fromYear, latest recorded year up to toYear' }),
});
export type ReductionTargetView = z.infer<typeof reductionTargetView>;

export const reductionTargetList = listOf(reductionTargetView);

export const termView = z.object({
  id,
  unitId: id,
  name: z.string(),
  startDate: isoDate,
  endDate: isoDate,
});
export type TermView = z.infer<typeof termView>;

export const termList = listOf(termView);
