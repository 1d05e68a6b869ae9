import { z } from 'zod';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True when `value` is a real calendar date written as YYYY-MM-DD (rejects 2025-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** A calendar date (no time, no zone) as used by effective dating: `YYYY-MM-DD`. */
export const isoDate = z
  .string()
  .refine(isCalendarDate, { message: 'must be a calendar date written as YYYY-MM-DD' })
  .meta({ format: 'date', example: '2025-07-01' });

export type IsoDate = z.infer<typeof isoDate>;

/** Today's date in UTC as `YYYY-MM-DD`; the default for every `asOf`. */
export function todayIso(now: Date = new Date()): IsoDate {
  return now.toISOString().slice(0, 10);
}
