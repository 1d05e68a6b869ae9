export * from './durable-event-consumer';
export * from './inbox-sql';
