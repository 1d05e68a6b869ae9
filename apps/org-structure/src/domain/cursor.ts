/* The shapes of the fields org-structure's cursors hold, for decodeCursor (@contracts/common) to check. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const LTREE_PATH = /^[0-9a-f]{32}(\.[0-9a-f]{32}){0,63}$/;
/**
 * A code as the database holds it: any text but NUL, not only what unitCode accepts today, so a page can follow a
 * code stored before the current rules; pairs only (an unpaired surrogate is not text the driver can send).
 */
export const STORED_CODE = /^[^\u0000\p{Surrogate}]{1,64}$/u;
