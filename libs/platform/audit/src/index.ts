export * from './audit-log';
export * from './audit-record';
export * from './audit-sql';
export * from './hash-chain';
