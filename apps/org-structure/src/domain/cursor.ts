import { CommonErrorCode, DomainError } from '@contracts/common';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const LTREE_PATH = /^[0-9a-f]{32}(\.[0-9a-f]{32}){0,63}$/;

/** Keyset cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Reads a cursor back, checking every field's shape so a forged cursor is a 400, never a database error. */
export function decodeCursor<T extends Record<string, string>>(cursor: string, fields: Record<keyof T, RegExp>): T {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      Object.entries(fields).every(([field, shape]) => typeof value[field] === 'string' && (shape as RegExp).test(value[field]))
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
