import { isoDate, type EventConsumerContract, type EventEnvelope, type IsoDate } from '@contracts/common';
import { z } from 'zod';
import type { OperationType, UnitKind, UnitLevel } from './enums';
import type { LeadershipLinkView, PostView, QuotaView, ReductionTargetView, TermView } from './views';

/** JetStream stream holding the service's events (ARCHITECTURE decision 3). */
export const ORG_EVENTS_STREAM = 'ORG_EVENTS';
export const ORG_EVENTS_SUBJECTS = 'org.events.>';
/** Events of units (created, renamed, moved, merged, split, dissolved, imported): what a read model of the tree follows. */
export const ORG_UNIT_EVENTS_SUBJECTS = 'org.events.unit.>';

/** A service's durable consumer of org-structure's unit events, for its bus contract and its read model. */
export function orgUnitEventsConsumer(durable: string): EventConsumerContract {
  return { stream: ORG_EVENTS_STREAM, durable, filterSubject: ORG_UNIT_EVENTS_SUBJECTS };
}

export const OrgEventSubject = {
  unitCreated: 'org.events.unit.created',
  unitRenamed: 'org.events.unit.renamed',
  unitMoved: 'org.events.unit.moved',
  unitsMerged: 'org.events.unit.merged',
  unitSplit: 'org.events.unit.split',
  unitDissolved: 'org.events.unit.dissolved',
  /** A bulk import created units; sent in batches, each listing the units with their paths. */
  unitsImported: 'org.events.unit.imported',
  leadershipLinked: 'org.events.leadership.linked',
  leadershipEnded: 'org.events.leadership.ended',
  postDefined: 'org.events.post.defined',
  quotasSet: 'org.events.quota.set',
  reductionTargetSet: 'org.events.reduction-target.set',
  termDefined: 'org.events.term.defined',
} as const;
export type OrgEventSubject = (typeof OrgEventSubject)[keyof typeof OrgEventSubject];

/** A unit's place in the tree at the effective date; `path` is ids root → unit. */
export interface UnitPathRef {
  unitId: string;
  code: string;
  path: string[];
}

export interface SubtreeMove {
  unitId: string;
  code: string;
  fromPath: string[];
  toPath: string[];
}

/** The platform's envelope, and the restructuring an event belongs to (null for changes outside one). */
export interface OrgEventEnvelope<Type extends OrgEventSubject, Data> extends EventEnvelope<Type, Data> {
  restructuringId: string | null;
}

/** What one operation of a restructuring changed. */
export interface UnitRestructuredData {
  operation: OperationType;
  /** Units that ceased (merge and split sources, dissolved units). */
  predecessors: UnitPathRef[];
  /** Units that exist after the operation (created, renamed, moved units, merge and split targets). */
  successors: UnitPathRef[];
  /** Subtrees that moved: every unit whose path started with `fromPath` now starts with `toPath`. */
  pathsChanged: SubtreeMove[];
  /** The unit's name, on created and renamed units. */
  name?: string;
  /** What a created unit is, so read models need not ask; absent from events published before they were added. */
  kind?: UnitKind;
  level?: UnitLevel;
}

export interface UnitsImportedData {
  units: Array<
    UnitPathRef & {
      name: string;
      kind: string;
      level: string;
      block: string;
      /**
       * The unit's first day: rows of one import may differ, and the envelope's `effectiveDate` is the batch's
       * earliest. Absent from events published before it was added.
       */
      validFrom?: IsoDate;
    }
  >;
}

/**
 * The payload of every subject org-structure publishes. Indexed by every OrgEventSubject in OrgEvent below, so a
 * subject without a payload here does not compile.
 */
export interface OrgEventData {
  [OrgEventSubject.unitCreated]: UnitRestructuredData;
  [OrgEventSubject.unitRenamed]: UnitRestructuredData;
  [OrgEventSubject.unitMoved]: UnitRestructuredData;
  [OrgEventSubject.unitsMerged]: UnitRestructuredData;
  [OrgEventSubject.unitSplit]: UnitRestructuredData;
  [OrgEventSubject.unitDissolved]: UnitRestructuredData;
  [OrgEventSubject.unitsImported]: UnitsImportedData;
  [OrgEventSubject.leadershipLinked]: LeadershipLinkView;
  [OrgEventSubject.leadershipEnded]: LeadershipLinkView;
  [OrgEventSubject.postDefined]: PostView;
  [OrgEventSubject.quotasSet]: { unitId: string; year: number; items: QuotaView[] };
  [OrgEventSubject.reductionTargetSet]: ReductionTargetView;
  [OrgEventSubject.termDefined]: TermView;
}

/** An event on one of the given subjects (every subject by default), with its payload. */
export type OrgEvent<Subject extends OrgEventSubject = OrgEventSubject> = {
  [S in Subject]: OrgEventEnvelope<S, OrgEventData[S]>;
}[Subject];

export type UnitRestructuredSubject =
  | typeof OrgEventSubject.unitCreated
  | typeof OrgEventSubject.unitRenamed
  | typeof OrgEventSubject.unitMoved
  | typeof OrgEventSubject.unitsMerged
  | typeof OrgEventSubject.unitSplit
  | typeof OrgEventSubject.unitDissolved;

/** One envelope type for the six operations: their payloads are alike, and the subject names the operation. */
export type UnitRestructuredEvent = OrgEventEnvelope<UnitRestructuredSubject, UnitRestructuredData>;

export type UnitsImportedEvent = OrgEvent<typeof OrgEventSubject.unitsImported>;

/** The subjects of the establishment records (ORG-5 … ORG-7): leadership links, posts, quotas, targets, terms. */
export type EstablishmentEventSubject =
  | typeof OrgEventSubject.leadershipLinked
  | typeof OrgEventSubject.leadershipEnded
  | typeof OrgEventSubject.postDefined
  | typeof OrgEventSubject.quotasSet
  | typeof OrgEventSubject.reductionTargetSet
  | typeof OrgEventSubject.termDefined;

const pathRefSchema = z
  .object({ unitId: z.uuid(), code: z.string().min(1).max(64), path: z.array(z.uuid()).min(1).max(64) })
  .refine((ref) => ref.path[ref.path.length - 1] === ref.unitId, { message: 'the path must end at the unit', path: ['path'] });

/**
 * A merge or split as its consumers must find it before acting on it: what moves role assignments (and, later,
 * memberships) from predecessors to successors. A malformed event is refused, never half-applied: a merge with no
 * successor would otherwise widen a role over the merged unit to the whole system.
 */
export const unitsReorganisedEventSchema = z.object({
  eventId: z.uuid(),
  type: z.enum([OrgEventSubject.unitsMerged, OrgEventSubject.unitSplit]),
  occurredAt: z.iso.datetime({ offset: true }),
  effectiveDate: isoDate,
  decisionRef: z.string().max(128).nullable(),
  restructuringId: z.uuid(),
  data: z.object({
    operation: z.enum(['merge', 'split']),
    predecessors: z.array(pathRefSchema).min(1).max(100),
    successors: z.array(pathRefSchema).min(1).max(100),
    pathsChanged: z.array(z.unknown()),
  }),
}).refine((event) => (event.type === OrgEventSubject.unitsMerged) === (event.data.operation === 'merge'), {
  message: 'the operation must be the one the subject names',
  path: ['data', 'operation'],
});
