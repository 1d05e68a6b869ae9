export * from './free-port';
export * from './nats-server';
export * from './postgres';
export * from './wait-for';
export * from './route-answers';
