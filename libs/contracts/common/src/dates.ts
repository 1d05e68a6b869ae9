import { z } from 'zod';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The years a date may fall in. PostgreSQL has no year 0 (JavaScript's Date has, so `0000-01-01` used to reach the
 * database and fail there), and nothing the platform records predates the 19th century: the Party dates from 1930,
 * the State from 1945, and the oldest dates kept (births of the oldest cadres, founding dates of old institutions)
 * fall well after 1800. 9999 is the last year written with four digits, the form every date is exchanged in.
 */
export const MIN_YEAR = 1800;
export const MAX_YEAR = 9999;

/** True when `value` is a real calendar date written as YYYY-MM-DD (rejects 2025-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** True when the year of a date or instant written in ISO 8601 (`YYYY-…`) lies in MIN_YEAR–MAX_YEAR. */
export function isYearInRange(value: string): boolean {
  const year = Number(value.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

/** A date the platform accepts anywhere: a calendar date in the supported years. Cursors are checked with it too. */
export function isAcceptedDate(value: string): boolean {
  return isCalendarDate(value) && isYearInRange(value);
}

const YEAR_RANGE_MESSAGE = `must lie between the years ${MIN_YEAR} and ${MAX_YEAR}`;

/** A calendar date (no time, no zone) as used by effective dating: `YYYY-MM-DD`. */
export const isoDate = z
  .string()
  .refine(isCalendarDate, { message: 'must be a calendar date written as YYYY-MM-DD', abort: true })
  .refine(isYearInRange, { message: YEAR_RANGE_MESSAGE })
  .meta({ format: 'date', example: '2025-07-01' });

export type IsoDate = z.infer<typeof isoDate>;

/** An instant with its offset, e.g. `2025-07-01T00:00:00Z`, in the same years as dates. */
export const isoInstant = z.iso
  .datetime({ offset: true })
  .refine(isYearInRange, { message: YEAR_RANGE_MESSAGE })
  .meta({ description: 'ISO 8601 instant, e.g. 2025-07-01T00:00:00Z' });

/** Today's date in UTC as `YYYY-MM-DD`; the default for every `asOf`. */
export function todayIso(now: Date = new Date()): IsoDate {
  return now.toISOString().slice(0, 10);
}

/** The calendar date `days` after `date` (before, when negative), both `YYYY-MM-DD`. */
export function addDays(date: IsoDate, days: number): IsoDate {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}
