export * from './data-source';
export * from './outbox';
export * from './outbox-sql';
export * from './pool-reader';
export * from './database-roles';
