import { addDays, isAcceptedDate, isCalendarDate, isoDate, isoInstant } from './dates';

describe('dates', () => {
  it('a calendar date is a real day written YYYY-MM-DD', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-02-30')).toBe(false);
    expect(isCalendarDate('2025-7-1')).toBe(false);
  });

  it('accepts only the years 1800–9999, so year 0 never reaches the database (ORG-2 asOf)', () => {
    expect(isAcceptedDate('0000-01-01')).toBe(false);
    expect(isAcceptedDate('1799-12-31')).toBe(false);
    expect(isAcceptedDate('1800-01-01')).toBe(true);
    expect(isAcceptedDate('9999-12-31')).toBe(true);
    expect(isAcceptedDate('2025-02-30')).toBe(false);
  });

  it('isoDate says which rule a date breaks', () => {
    expect(isoDate.safeParse('2025-07-01').success).toBe(true);
    expect(isoDate.safeParse('0000-01-01').error?.issues.map((issue) => issue.message)).toEqual(['must lie between the years 1800 and 9999']);
    expect(isoDate.safeParse('2025-02-30').error?.issues.map((issue) => issue.message)).toEqual(['must be a calendar date written as YYYY-MM-DD']);
  });

  it('instants are held to the same years', () => {
    expect(isoInstant.safeParse('2025-07-01T00:00:00Z').success).toBe(true);
    expect(isoInstant.safeParse('0000-01-01T00:00:00Z').success).toBe(false);
  });
});

describe('addDays', () => {
  it('counts calendar days across months, years and leap days', () => {
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
  });
});
