// What a new service is called in each place that names it, and whether the name is free.

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/**
 * Longer names do not fit the roles the tests make: each test database gives the service a role
 * `<database>_<role>`, and the platform accepts role names of at most 48 characters.
 */
const MAX_LENGTH = 19;

/** Names the platform uses outside the registry, and what uses them. */
export const RESERVED_NAMES = {
  gateway: 'the gateway: its process, NATS user, image and secrets',
  admin: "the gateway's own routes under /api/v1/admin",
  auth: "the gateway's own routes under /api/v1/auth",
  nats: 'the NATS server in docker-compose.yml',
  postgres: 'the PostgreSQL server in docker-compose.yml and its superuser',
  health: 'the subjects every service answers its health on (health.v1.<service>)',
  audit: 'the subjects every service answers its audit chain on (audit.v1.<service>.>)',
};

/**
 * Every spelling of a service's name: `case-files` is the service, app folder, NATS user, queue group and contracts
 * package; `case_files` its database role and schema (PostgreSQL identifiers); the rest name its code.
 */
export function serviceNames(name) {
  const words = name.split('-');
  const pascal = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  return {
    kebab: name,
    snake: words.join('_'),
    pascal,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    constant: words.join('_').toUpperCase(),
  };
}

/** Why `name` cannot be a new service's name by its form alone, or null. */
export function nameProblem(name) {
  if (!name) return 'give the service a name: npm run new-service -- <name>';
  if (!KEBAB.test(name)) return `"${name}" is not kebab-case (lower-case letters and digits in words joined by "-", starting with a letter)`;
  if (name.length > MAX_LENGTH) return `"${name}" is longer than ${MAX_LENGTH} characters`;
  if (Object.hasOwn(RESERVED_NAMES, name)) return `"${name}" is reserved: ${RESERVED_NAMES[name]}`;
  if (name.startsWith('pg-')) return `"${name}" would make the database role ${serviceNames(name).snake}: PostgreSQL reserves role names starting with pg_`;
  if (/-(migrate|guard)$/.test(name)) {
    return `"${name}" ends like the names derived from another service's (its <service>-migrate job, its <role>_guard role)`;
  }
  return null;
}

/** True when some subject matches both NATS subject patterns (`*` one token, a final `>` one or more). */
export function subjectsOverlap(a, b) {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; ; i++) {
    const l = left[i];
    const r = right[i];
    if (l === undefined || r === undefined) return l === r;
    if (l === '>' || r === '>') return true;
    if (l !== '*' && r !== '*' && l !== r) return false;
  }
}
