import type { IsoDate, Page } from '@contracts/common';
import type { LeadershipDirection, OperationType, StaffCategory, UnitBlock, UnitKind, UnitLevel } from './enums';

/** A unit as it stood on a date. */
export interface UnitView {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  kind: UnitKind;
  level: UnitLevel;
  block: UnitBlock;
  parentId: string | null;
  /** Ids from the root down to this unit (inclusive). */
  path: string[];
  /** Validity of this state of the unit: [validFrom, validTo). */
  validFrom: IsoDate;
  validTo: IsoDate | null;
  /** When the unit first existed and when it ceased (null while alive). */
  existsFrom: IsoDate;
  existsUntil: IsoDate | null;
  formerNames: Array<{ name: string; shortName: string | null; validFrom: IsoDate; validTo: IsoDate }>;
}

export interface SubtreeNode {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  kind: UnitKind;
  level: UnitLevel;
  block: UnitBlock;
  parentId: string | null;
  /** 0 for the root of the query. */
  depth: number;
}

export type UnitPage = Page<UnitView>;
export interface SubtreePage extends Page<SubtreeNode> {
  root: SubtreeNode;
  asOf: IsoDate;
}

export interface LineageEdge {
  unitId: string;
  code: string;
  name: string;
  /** The unit on the other side of this link, nearer to the queried unit. */
  via: string;
  operation: OperationType;
  effectiveDate: IsoDate;
  decisionRef: string | null;
  restructuringId: string;
  /** 1 for a direct predecessor or successor, 2 for theirs, and so on. */
  distance: number;
}

export interface LineageView {
  unit: { id: string; code: string; name: string };
  predecessors: LineageEdge[];
  successors: LineageEdge[];
}

export interface RestructuringView {
  id: string;
  decisionRef: string | null;
  effectiveDate: IsoDate;
  title: string | null;
  recordedAt: string;
  operations: Array<{ type: OperationType; unitIds: string[] }>;
  /** Units whose state changed, with their path as of the effective date. */
  affectedUnitIds: string[];
}

export interface StatisticsCounts {
  total: number;
  byLevel: Record<string, number>;
  byKind: Record<string, number>;
  byBlock: Record<string, number>;
}

export interface StatisticsView {
  rootId: string | null;
  asOf: IsoDate;
  counts: StatisticsCounts;
  compareTo?: IsoDate;
  compareCounts?: StatisticsCounts;
  /** compareTo − asOf, per bucket; negative means fewer units at `compareTo`. */
  change?: StatisticsCounts;
}

export interface ImportResult {
  /** The import's id: its audit record's object. */
  importId: string;
  created: number;
  unchanged: number;
  unitIds: string[];
}

export interface ImportRowError {
  line: number;
  errors: Array<{ path: string; message: string }>;
}

export interface LeadershipLinkView {
  id: string;
  leaderId: string;
  ledId: string;
  validFrom: IsoDate;
  validTo: IsoDate | null;
  decisionRef: string | null;
  /** The unit on the other side, as of the query date. */
  other?: { id: string; code: string; name: string };
  direction?: LeadershipDirection;
}

export interface PostView {
  id: string;
  unitId: string;
  title: string;
  seats: number;
  validFrom: IsoDate;
  validTo: IsoDate | null;
}

export interface QuotaView {
  unitId: string;
  year: number;
  category: StaffCategory;
  approved: number;
  actual: number | null;
}

export interface ReductionTargetView {
  id: string;
  unitId: string;
  category: StaffCategory;
  fromYear: number;
  toYear: number;
  percent: number;
  decisionRef: string | null;
  /** Progress from the recorded quotas: baseline at fromYear, latest recorded year up to toYear. */
  progress: {
    baseline: number | null;
    latestYear: number | null;
    latest: number | null;
    reducedPercent: number | null;
    targetHeadcount: number | null;
    onTrack: boolean | null;
  };
}

export interface TermView {
  id: string;
  unitId: string;
  name: string;
  startDate: IsoDate;
  endDate: IsoDate;
}
