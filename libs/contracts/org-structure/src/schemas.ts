import { freeText, isoDate, NO_NUL, pageQuery, TextMessage, wellFormedString } from '@contracts/common';
import { z } from 'zod';
import { canonicalUnitCode, UNIT_CODE_MAX_LENGTH, unitCodeProblem } from './codes';
import { LEADERSHIP_DIRECTIONS, STAFF_CATEGORIES, UNIT_BLOCKS, UNIT_KINDS, UNIT_LEVELS } from './enums';

/*
 * Request payloads of the organisation-structure service. The gateway validates HTTP input with these and the
 * service validates every message with the same schemas, so the two can never disagree.
 */

export const unitId = z.uuid().meta({ description: 'Unit id (UUID)' });
/**
 * Canonicalised here, so every path that takes a code (create, import rows and their parents, `{code}` references,
 * the `code` filter) compares the same spelling.
 */
export const unitCode = wellFormedString()
  .overwrite(canonicalUnitCode)
  .min(1)
  .max(UNIT_CODE_MAX_LENGTH)
  .refine((code) => unitCodeProblem(code) === null, { error: (issue) => unitCodeProblem(issue.input as string) ?? 'invalid code' })
  .meta({
    description:
      'Stable business key, unique among units alive at the same time (ORG-2). Stored upper case and NFKC-normalised ' +
      '(`tu-bn` is `TU-BN`); Latin letters, digits and . _ - / only',
    example: 'TU-BN',
  });
export const unitName = freeText(255);
export const unitShortName = freeText(64);
export const decisionRef = freeText(128)
  .meta({ description: 'The decision that ordered the change (ORG-3)', example: '202/2025/QH15' });
/** A reference to a unit created earlier in the same restructuring. */
export const newUnitRef = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

export const unitKind = z.enum(UNIT_KINDS);
export const unitLevel = z.enum(UNIT_LEVELS);
export const unitBlock = z.enum(UNIT_BLOCKS);
const asOf = isoDate.optional().meta({ description: 'Read the state as of this date (default: today)' });

export const unitAttributes = z.strictObject({
  code: unitCode,
  name: unitName,
  shortName: unitShortName.optional(),
  kind: unitKind,
  level: unitLevel,
  block: unitBlock,
});
export type UnitAttributes = z.infer<typeof unitAttributes>;

export const createUnitRequest = unitAttributes.extend({
  parentId: unitId.nullable().optional().meta({ description: 'Parent unit; omit or null for a root' }),
  validFrom: isoDate,
  decisionRef: decisionRef.optional(),
});
export type CreateUnitRequest = z.infer<typeof createUnitRequest>;

export const getUnitRequest = z.strictObject({ id: unitId, asOf });
export type GetUnitRequest = z.infer<typeof getUnitRequest>;

export const listUnitsRequest = pageQuery.extend({
  code: unitCode.optional(),
  parentId: unitId.optional(),
  level: unitLevel.optional(),
  kind: unitKind.optional(),
  block: unitBlock.optional(),
  q: freeText(200).optional().meta({ description: 'Name search, case- and diacritic-insensitive' }),
  asOf,
});
export type ListUnitsRequest = z.infer<typeof listUnitsRequest>;

export const subtreeRequest = pageQuery.extend({
  id: unitId,
  asOf,
  depth: z.coerce.number().int().min(0).max(32).optional().meta({ description: 'Levels below the root (default: all)' }),
});
export type SubtreeRequest = z.infer<typeof subtreeRequest>;

export const ancestorsRequest = z.strictObject({ id: unitId, asOf });
export type AncestorsRequest = z.infer<typeof ancestorsRequest>;

export const lineageRequest = z.strictObject({ id: unitId });
export type LineageRequest = z.infer<typeof lineageRequest>;

/** A unit named in a restructuring: by id, by code (alive at the effective date), or by a `ref` created earlier. */
export const unitRef = z.union([
  z.strictObject({ id: unitId }),
  z.strictObject({ code: unitCode }),
  z.strictObject({ ref: newUnitRef }),
]);
export type UnitRef = z.infer<typeof unitRef>;

export const createOperation = z.strictObject({
  type: z.literal('create'),
  ref: newUnitRef.optional().meta({ description: 'Name later operations use to refer to this new unit' }),
  unit: unitAttributes,
  parent: unitRef.nullable(),
});
export const renameOperation = z.strictObject({
  type: z.literal('rename'),
  unit: unitRef,
  name: unitName,
  shortName: unitShortName.optional(),
});
export const moveOperation = z.strictObject({
  type: z.literal('move'),
  unit: unitRef,
  newParent: unitRef,
});
export const mergeOperation = z.strictObject({
  type: z.literal('merge'),
  sources: z.array(unitRef).min(1).max(100),
  into: unitRef.meta({ description: 'An existing unit, or a `ref` created earlier in the same restructuring' }),
});
export const splitOperation = z.strictObject({
  type: z.literal('split'),
  source: unitRef,
  into: z.array(unitRef).min(1).max(100),
  children: z
    .array(z.strictObject({ child: unitRef, to: unitRef }))
    .max(10_000)
    .default([])
    .meta({ description: 'Where each child of the split unit goes; every child must be named (ORG-4)' }),
});
export const dissolveOperation = z.strictObject({
  type: z.literal('dissolve'),
  unit: unitRef,
});
export const restructuringOperation = z.discriminatedUnion('type', [
  createOperation,
  renameOperation,
  moveOperation,
  mergeOperation,
  splitOperation,
  dissolveOperation,
]);
export type RestructuringOperation = z.infer<typeof restructuringOperation>;

export const applyRestructuringRequest = z.strictObject({
  decisionRef,
  effectiveDate: isoDate,
  title: freeText(500).optional(),
  operations: z.array(restructuringOperation).min(1).max(1_000),
});
export type ApplyRestructuringRequest = z.infer<typeof applyRestructuringRequest>;

export const listRestructuringsRequest = pageQuery.extend({
  unitId: unitId.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type ListRestructuringsRequest = z.infer<typeof listRestructuringsRequest>;

export const statisticsRequest = z.strictObject({
  rootId: unitId.optional().meta({ description: 'Count under this unit (default: the whole system)' }),
  asOf,
  compareTo: isoDate.optional().meta({ description: 'A second date; the answer adds the change between the two' }),
});
export type StatisticsRequest = z.infer<typeof statisticsRequest>;

/** One row of a bulk import; `parentCode` names a unit alive at `validFrom` or a row earlier in the same file. */
export const importRow = unitAttributes.extend({
  parentCode: unitCode.nullable().optional(),
  validFrom: isoDate,
});
export type ImportRow = z.infer<typeof importRow>;

/**
 * A JSON import row as it arrives: a flat object of scalars. Each row's fields are checked against ImportRow by the
 * service, which reports bad rows by line; holding rows to this shape first keeps nested values (arrays of arrays
 * thousands deep) out of the service and out of anything that walks a row.
 */
const importJsonRow = z.record(z.string().max(64), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/** NATS carries at most 1 MB; bigger trees go through the operator command (`npm run org:import`). */
export const IMPORT_MAX_CONTENT_CHARS = 900_000;
export const IMPORT_FORMATS = ['json', 'csv'] as const;
export const importUnitsRequest = z.discriminatedUnion('format', [
  z.strictObject({
    format: z.literal('json'),
    decisionRef: decisionRef.optional(),
    rows: z.array(importJsonRow).min(1).max(20_000).meta({ description: 'Import rows; see ImportRow' }),
  }),
  z.strictObject({
    format: z.literal('csv'),
    decisionRef: decisionRef.optional(),
    content: wellFormedString()
      .min(1)
      .max(IMPORT_MAX_CONTENT_CHARS)
      .regex(NO_NUL, TextMessage.nul)
      .meta({ description: 'CSV text with a header line: code,name,shortName,kind,level,block,parentCode,validFrom' }),
  }),
]);
export type ImportUnitsRequest = z.infer<typeof importUnitsRequest>;

export const linkLeadershipRequest = z.strictObject({
  leaderId: unitId,
  ledId: unitId,
  validFrom: isoDate,
  decisionRef: decisionRef.optional(),
});
export type LinkLeadershipRequest = z.infer<typeof linkLeadershipRequest>;

export const endLeadershipRequest = z.strictObject({ linkId: z.uuid(), validTo: isoDate });
export type EndLeadershipRequest = z.infer<typeof endLeadershipRequest>;

export const listLeadershipRequest = z.strictObject({
  id: unitId,
  direction: z.enum(LEADERSHIP_DIRECTIONS).default('leads'),
  asOf,
});
export type ListLeadershipRequest = z.infer<typeof listLeadershipRequest>;

export const createPostRequest = z.strictObject({
  unitId,
  title: freeText(255).meta({ example: 'Phó Bí thư' }),
  seats: z.number().int().min(1).max(1_000),
  validFrom: isoDate,
});
export type CreatePostRequest = z.infer<typeof createPostRequest>;

export const listByUnitRequest = z.strictObject({ unitId, asOf });
export type ListByUnitRequest = z.infer<typeof listByUnitRequest>;

/** Reduction targets span years: they are listed whole, not as of a date. */
export const listReductionTargetsRequest = z.strictObject({ unitId });
export type ListReductionTargetsRequest = z.infer<typeof listReductionTargetsRequest>;

const year = z.coerce.number().int().min(1945).max(2200);
export const setQuotasRequest = z.strictObject({
  unitId,
  year,
  quotas: z
    .array(
      z.strictObject({
        category: z.enum(STAFF_CATEGORIES),
        approved: z.number().int().min(0).max(10_000_000),
        actual: z.number().int().min(0).max(10_000_000).optional().meta({ description: 'Headcount actually employed' }),
      }),
    )
    .min(1)
    .max(STAFF_CATEGORIES.length),
});
export type SetQuotasRequest = z.infer<typeof setQuotasRequest>;

export const listQuotasRequest = z.strictObject({ unitId, year: year.optional() });
export type ListQuotasRequest = z.infer<typeof listQuotasRequest>;

export const createReductionTargetRequest = z
  .strictObject({
    unitId,
    category: z.enum(STAFF_CATEGORIES),
    fromYear: year,
    toYear: year,
    percent: z.number().gt(0).max(100).meta({ description: 'Reduction to reach by `toYear`, in percent', example: 5 }),
    decisionRef: decisionRef.optional(),
  })
  .refine((t) => t.toYear > t.fromYear, { message: 'toYear must be after fromYear', path: ['toYear'] });
export type CreateReductionTargetRequest = z.infer<typeof createReductionTargetRequest>;

export const createTermRequest = z
  .strictObject({
    unitId,
    name: freeText(64).meta({ example: '2025-2030' }),
    startDate: isoDate,
    endDate: isoDate,
  })
  .refine((t) => t.endDate > t.startDate, { message: 'endDate must be after startDate', path: ['endDate'] });
export type CreateTermRequest = z.infer<typeof createTermRequest>;
