/** Advisory lock key serialising appends to the gateway's audit chain (same in every replica and command). */
export const AUDIT_LOCK_KEY = 7_301_101;
