export * from './bus';
export * from './errors';
export * from './events';
export * from './password-policy';
export * from './schemas';
export * from './subjects';
export * from './views';
