import { redeliveryDelayMs } from './durable-event-consumer';
import { eventInboxTableDropSql, eventInboxTableSql } from './inbox-sql';

describe('redelivery backoff', () => {
  it('doubles from the initial delay and stops at the maximum', () => {
    const backoff = { initialMs: 1_000, maxMs: 5_000 };
    expect([1, 2, 3, 4, 10].map((deliveries) => redeliveryDelayMs(deliveries, backoff))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});

describe('inbox tables', () => {
  it('are created in the schema given, qualified', () => {
    const statements = eventInboxTableSql('cadres');
    expect(statements.filter((sql) => sql.startsWith('CREATE TABLE')).map((sql) => /^CREATE TABLE (\S+)/.exec(sql)?.[1])).toEqual([
      'cadres.event_inbox',
      'cadres.event_consumer_position',
      'cadres.event_dead_letter',
    ]);
    expect(statements[0]).toContain('PRIMARY KEY (consumer, event_id)');
    expect(eventInboxTableDropSql('cadres')).toEqual([
      'DROP TABLE IF EXISTS cadres.event_dead_letter',
      'DROP TABLE IF EXISTS cadres.event_consumer_position',
      'DROP TABLE IF EXISTS cadres.event_inbox',
    ]);
  });

  it('refuse a schema name that would need quoting or could carry SQL', () => {
    for (const schema of ['Cadres', 'cadres; DROP TABLE x', '"cadres"', '', 'a.b']) {
      expect(() => eventInboxTableSql(schema)).toThrow(TypeError);
    }
  });
});
