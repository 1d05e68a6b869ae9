// Baseline of scenario 1: a plain Fastify + pg process answering GET /units/:id with the same SQL as the
// org-structure service's UnitQueries.get, from the same database, with the same pool size. Everything the
// platform adds (authentication, validation, NATS, the service's framework) is what the comparison prices.
import Fastify from 'fastify';
import pg from 'pg';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '../../tools/lib/infra.mjs';

const require = createRequire(import.meta.url);
const { toUnitView, UNIT_VERSION_COLUMNS } = require(join(REPO_ROOT, 'apps/org-structure/dist/domain/unit-row.js'));

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  options: '-c search_path=org_structure,public',
});
const app = Fastify({ logger: false });

// BASELINE_AS_SERVICE=1: the same SQL sent the way the service's poolReader.queryAll sends it: the three statements
// written together on one connection and answered in order (one round trip instead of three), each a named
// prepared statement (parsed and planned once per connection).
const asService = process.env.BASELINE_AS_SERVICE === '1';
const STATE_AT = `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v WHERE v.unit_id = $1 AND v.validity @> $2::date`;
const EXISTENCE = 'SELECT exists_from::text AS exists_from, exists_until::text AS exists_until FROM unit WHERE id = $1';
const HISTORY = `SELECT ${UNIT_VERSION_COLUMNS} FROM unit_version v WHERE v.unit_id = $1 ORDER BY v.valid_from`;

async function together(statements) {
  const client = await pool.connect();
  client.pipeline = true;
  client.connection.stream.cork();
  const sent = statements.map(([name, text, values]) => client.query({ name, text, values }));
  client.connection.stream.uncork();
  const settled = await Promise.allSettled(sent);
  client.pipeline = false;
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  client.release(failure?.reason);
  if (failure) throw failure.reason;
  return settled.map((outcome) => outcome.value);
}

app.get('/units/:id', async (request, reply) => {
  const { id } = request.params;
  const asOf = new Date().toISOString().slice(0, 10);
  if (asService) {
    const [state, existence, history] = await together([
      ['baseline_state_at', STATE_AT, [id, asOf]],
      ['baseline_existence', EXISTENCE, [id]],
      ['baseline_history', HISTORY, [id]],
    ]);
    if (!state.rows[0]) return reply.status(404).send({ status: 404 });
    return toUnitView(state.rows[0], existence.rows[0], history.rows);
  }
  const { rows } = await pool.query(STATE_AT, [id, asOf]);
  if (!rows[0]) return reply.status(404).send({ status: 404 });
  const existence = await pool.query(EXISTENCE, [id]);
  const history = await pool.query(HISTORY, [id]);
  return toUnitView(rows[0], existence.rows[0], history.rows);
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await app.close();
  await pool.end();
  process.exit(0);
});
