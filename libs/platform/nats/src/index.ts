export * from './connection';
export * from './rpc-client';
export * from './rpc-errors';
export * from './rpc-server';
export * from './jetstream';
export * from './bus-auth';
