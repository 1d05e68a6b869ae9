// `npm run migrations:lock`: adds every new migration to migrations.lock.json (tools/lib/migrations-lock.mjs).
// It never changes or drops an entry: a landed migration that differs from its entry, or has gone, is refused.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkMigrations, findMigrations, formatLock, LOCK_FILE, readLock } from './lib/migrations-lock.mjs';

const root = join(import.meta.dirname, '..');
const lock = readLock(root);
const migrations = findMigrations(root);
const { refusals } = checkMigrations(lock, migrations);

if (refusals.length > 0) {
  for (const refusal of refusals) console.error(refusal);
  console.error(`${LOCK_FILE} left unchanged.`);
  process.exit(1);
}

const added = migrations.filter((migration) => lock[migration.name] === undefined);
if (added.length === 0) {
  console.log(`${LOCK_FILE}: all ${migrations.length} migrations already locked`);
} else {
  writeFileSync(join(root, LOCK_FILE), formatLock({ ...lock, ...Object.fromEntries(added.map((m) => [m.name, m.hash])) }));
  for (const migration of added) console.log(`locked ${migration.path}`);
}
