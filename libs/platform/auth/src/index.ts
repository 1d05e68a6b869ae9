export * from './keys';
export * from './caller-token';
export * from './message-guard';
export * from './expiring-cache';
export * from './route-handler';
