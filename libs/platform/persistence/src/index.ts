export * from './data-source';
export * from './outbox';
