export * from './cursor';
export * from './fold-text';
