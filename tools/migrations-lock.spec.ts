import { join } from 'node:path';

/* Migrations are history: none is edited or removed once landed, and each new one is locked when it lands. */
interface Migration {
  name: string;
  path: string;
  hash: string;
}
interface MigrationsLock {
  LOCK_FILE: string;
  hashOf(content: string): string;
  findMigrations(root: string): Migration[];
  readLock(root: string): Record<string, string>;
  checkMigrations(lock: Record<string, string>, migrations: Migration[]): { refusals: string[]; unlocked: string[] };
}

const ROOT = join(__dirname, '..');
// Loaded by path: it is the module `npm run migrations:lock` runs, plain JavaScript without type declarations.
const load = (): Promise<MigrationsLock> => import(join(ROOT, 'tools/lib/migrations-lock.mjs'));

describe('migrations.lock.json', () => {
  it('lists every migration of the repository, each as it was when it landed', async () => {
    const { checkMigrations, findMigrations, readLock } = await load();
    const migrations = findMigrations(ROOT);
    expect(migrations.map((m) => m.path)).toEqual(
      expect.arrayContaining([
        'apps/identity/src/migrations/1763900000000-identity-initial.ts',
        'apps/org-structure/src/infrastructure/migrations/1763800000000-org-structure-initial.ts',
      ]),
    );
    const { refusals, unlocked } = checkMigrations(readLock(ROOT), migrations);
    expect([...refusals, ...unlocked]).toEqual([]);
  });
});

describe('checking migrations against the lock', () => {
  const migration = (path: string, content: string, hashOf: (content: string) => string): Migration => ({
    name: path.slice(path.lastIndexOf('/') + 1),
    path,
    hash: hashOf(content),
  });

  it('refuses a landed migration that was edited, or removed', async () => {
    const { checkMigrations, hashOf } = await load();
    const initial = migration('apps/a/src/migrations/1-initial.ts', 'CREATE TABLE a', hashOf);
    const lock = { '1-initial.ts': initial.hash, '2-gone.ts': hashOf('CREATE TABLE b') };
    const edited = { ...initial, hash: hashOf('CREATE TABLE a (id int)') };
    expect(checkMigrations(lock, [edited]).refusals).toEqual([
      expect.stringMatching(/^apps\/a\/src\/migrations\/1-initial\.ts differs from its entry in migrations\.lock\.json: a landed migration is never edited/),
      expect.stringMatching(/^2-gone\.ts is in migrations\.lock\.json but in no migrations directory/),
    ]);
  });

  it('keeps the entry of a migration that moved to another app, whatever its line endings', async () => {
    const { checkMigrations, hashOf } = await load();
    const lock = { '1-initial.ts': hashOf('CREATE TABLE a;\nCREATE TABLE b;\n') };
    const moved = migration('libs/b/c/src/migrations/1-initial.ts', 'CREATE TABLE a;\r\nCREATE TABLE b;\r\n', hashOf);
    expect(checkMigrations(lock, [moved])).toEqual({ refusals: [], unlocked: [] });
  });

  it('tells to run npm run migrations:lock for a migration not in the lock', async () => {
    const { checkMigrations, hashOf } = await load();
    const added = migration('apps/a/src/migrations/3-new.ts', 'CREATE TABLE c', hashOf);
    expect(checkMigrations({}, [added])).toEqual({
      refusals: [],
      unlocked: ['apps/a/src/migrations/3-new.ts is not in migrations.lock.json: run npm run migrations:lock'],
    });
  });

  it('refuses two migrations of the same file name, which the lock could not tell apart', async () => {
    const { checkMigrations, hashOf } = await load();
    const one = migration('apps/a/src/migrations/1-initial.ts', 'x', hashOf);
    const other = migration('apps/b/src/migrations/1-initial.ts', 'y', hashOf);
    expect(checkMigrations({ '1-initial.ts': one.hash }, [one, other]).refusals).toEqual([
      expect.stringContaining('apps/a/src/migrations/1-initial.ts and apps/b/src/migrations/1-initial.ts have the same file name'),
      expect.stringContaining('apps/b/src/migrations/1-initial.ts differs from its entry'),
    ]);
  });
});
