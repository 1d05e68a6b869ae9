import { z } from 'zod';
import type { FieldError } from './errors';

/** Every problem zod found, as `{path, message}` pairs a client can show next to its fields. */
export function toFieldErrors(error: z.ZodError, prefix: readonly (string | number)[] = []): FieldError[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
}

/** PostgreSQL text cannot hold U+0000; refusing it here keeps such input a 400 rather than a database error. */
export const NO_NUL = /^[^\u0000]*$/;

/*
 * An unpaired surrogate (JSON "\ud800") is not text: it cannot be encoded as UTF-8, and PostgreSQL refuses it in
 * jsonb (outbox events, audit records), which made such a name a 500. In a /u pattern a valid pair is one code point
 * and only an unpaired half matches \p{Surrogate}, so this is String.prototype.isWellFormed, which the ES2023 library
 * the project compiles against does not declare.
 */
const UNPAIRED_SURROGATE = /\p{Surrogate}/u;

export function isWellFormedText(value: string): boolean {
  return !UNPAIRED_SURROGATE.test(value);
}

/*
 * C0 and C1 controls (tabs and line breaks included: every free-text field is one line) and the bidirectional
 * embeddings, overrides and isolates, which make a name display differently from what it holds (a reversed
 * "Chi bộ" that reads as another unit's name).
 */
const CONTROL_OR_BIDI = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

export function hasControlOrBidiCharacters(value: string): boolean {
  return CONTROL_OR_BIDI.test(value);
}

export const TextMessage = {
  notWellFormed: 'must be well-formed Unicode text (it contains an unpaired surrogate)',
  controlOrBidi: 'must not contain control or bidirectional-override characters',
  nul: 'must not contain NUL characters',
} as const;

/** Any string a request carries: well-formed, so it can be stored, logged and audited. */
export const wellFormedString = () => z.string().refine(isWellFormedText, { message: TextMessage.notWellFormed, abort: true });

/**
 * Free text (names, titles, decision references, display names …): well-formed, composed to NFC (Vietnamese typed
 * on some systems arrives decomposed, and would otherwise neither compare nor search equal), trimmed, bounded, and
 * free of control and bidirectional-override characters.
 */
export const freeText = (max: number) =>
  wellFormedString()
    .normalize('NFC')
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !hasControlOrBidiCharacters(value), { message: TextMessage.controlOrBidi });

/** Secrets such as passwords: anything well-formed but NUL, taken exactly as typed (no trimming, no normalising). */
export const secretText = (max: number) => wellFormedString().min(1).max(max).regex(NO_NUL, TextMessage.nul);
