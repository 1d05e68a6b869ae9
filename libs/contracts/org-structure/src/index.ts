export * from './codes';
export * from './enums';
export * from './errors';
export * from './events';
export * from './schemas';
export * from './subjects';
export * from './views';
export * from './bus';
