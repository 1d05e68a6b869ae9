import { outboxTableDropSql, outboxTableSql } from './outbox-sql';

describe('outboxTableSql', () => {
  it('creates the columns the outbox writer and the relay use', () => {
    const [table] = outboxTableSql();
    expect(table).toMatch(/^CREATE TABLE outbox \(/);
    for (const column of ['seq bigserial PRIMARY KEY', 'id uuid NOT NULL UNIQUE', 'subject text NOT NULL', 'payload jsonb NOT NULL', 'published_at timestamptz']) {
      expect(table).toContain(column);
    }
  });

  it('indexes only the rows still to publish, in commit order', () => {
    expect(outboxTableSql()).toContain('CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL');
  });

  it('drops the table, and its index with it', () => {
    expect(outboxTableDropSql()).toEqual(['DROP TABLE IF EXISTS outbox']);
  });
});
