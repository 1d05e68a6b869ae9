export * from './dates';
export * from './errors';
export * from './headers';
export * from './health';
export * from './pagination';
export * from './validation';
export * from './access';
export * from './audit';
