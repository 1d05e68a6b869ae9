// The manifest of landed migrations (migrations.lock.json): each migration's file name and the sha256 of its
// content, so that a migration, once landed, is never edited or removed (docs: README "Migrations are history").
// Keyed by file name, not path, so a migration moving to another app or lib keeps its entry.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

export const LOCK_FILE = 'migrations.lock.json';
export const LOCK_COMMAND = 'npm run migrations:lock';

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage']);

/** sha256 of a file's text, line endings normalised so a checkout with CRLF hashes the same. */
export function hashOf(content) {
  return createHash('sha256').update(content.replace(/\r\n/g, '\n')).digest('hex');
}

/** Every migration under apps/ and libs/: a .ts file (not a test) directly in a directory named `migrations`. */
export function findMigrations(root) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(path);
      } else if (
        basename(dirname(path)) === 'migrations' &&
        entry.name.endsWith('.ts') &&
        !/\.(spec|test|d)\.ts$/.test(entry.name)
      ) {
        found.push({ name: entry.name, path: relative(root, path).split(sep).join('/'), hash: hashOf(readFileSync(path, 'utf8')) });
      }
    }
  };
  for (const top of ['apps', 'libs']) if (existsSync(join(root, top))) walk(join(root, top));
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** The manifest, `{ [file name]: sha256 }`; empty when there is none yet. */
export function readLock(root) {
  const file = join(root, LOCK_FILE);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

/** The manifest as written: one entry per line, by file name (the timestamp first, so in landing order). */
export function formatLock(lock) {
  const sorted = Object.fromEntries(Object.entries(lock).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/**
 * How the migrations stand against the manifest. `refusals` are what no command may settle: a landed migration
 * edited or removed, or two migrations of one name. `unlocked` are new migrations, for `npm run migrations:lock`.
 */
export function checkMigrations(lock, migrations) {
  const refusals = [];
  const unlocked = [];
  const byName = new Map();
  for (const migration of migrations) byName.set(migration.name, [...(byName.get(migration.name) ?? []), migration]);
  for (const same of byName.values()) {
    if (same.length > 1) {
      refusals.push(`${same.map((m) => m.path).join(' and ')} have the same file name, which is what ${LOCK_FILE} keys on: rename the newer one`);
    }
  }
  for (const migration of migrations) {
    const locked = lock[migration.name];
    if (locked === undefined) {
      unlocked.push(`${migration.path} is not in ${LOCK_FILE}: run ${LOCK_COMMAND}`);
    } else if (locked !== migration.hash) {
      refusals.push(
        `${migration.path} differs from its entry in ${LOCK_FILE}: a landed migration is never edited; ` +
          'undo the change and put it in a new migration',
      );
    }
  }
  for (const name of Object.keys(lock)) {
    if (!byName.has(name)) {
      refusals.push(`${name} is in ${LOCK_FILE} but in no migrations directory: a landed migration is never removed; restore it`);
    }
  }
  return { refusals, unlocked };
}
