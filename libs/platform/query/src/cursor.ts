import { CommonErrorCode, DomainError } from '@contracts/common';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const LTREE_PATH = /^[0-9a-f]{32}(\.[0-9a-f]{32}){0,63}$/;
/**
 * A code as the database holds it: any text but NUL, not only what unitCode accepts today, so a page can follow a
 * code stored before the current rules; pairs only (an unpaired surrogate is not text the driver can send).
 */
export const STORED_CODE = /^[^\u0000\p{Surrogate}]{1,64}$/u;

/** Keyset cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** How a cursor field is checked: a pattern for its shape, or a test of its value where a shape is not enough. */
export type CursorField = RegExp | ((value: string) => boolean);

/**
 * Reads a cursor back, checking every field so a forged cursor is a 400, never a database error: a date field
 * needs more than a pattern (`2025-02-30` and `0000-01-01` have the shape of a date and fail in the database).
 */
export function decodeCursor<T extends Record<string, string>>(cursor: string, fields: Record<keyof T, CursorField>): T {
  const accepts = (check: CursorField, value: string) => (typeof check === 'function' ? check(value) : check.test(value));
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      Object.entries(fields).every(([field, check]) => typeof value[field] === 'string' && accepts(check as CursorField, value[field]))
    ) {
      return value as T;
    }
  } catch {
    // falls through to the validation error below
  }
  throw new DomainError(CommonErrorCode.ValidationFailed, 'The cursor is not one this service issued', {
    errors: [{ path: 'cursor', message: 'invalid cursor' }],
  });
}
