// Global setup of the integration and e2e projects: a PostgreSQL server the tests create their own databases on
// (TEST_DATABASE_URL, else the machine's on 5432, else embedded PostgreSQL under .data/test-postgres), and a
// check that nats-server is installed, since every test run starts its own private one.
const path = require('node:path');
const { pathToFileURL } = require('node:url');

module.exports = async function globalSetup() {
  const infra = await import(pathToFileURL(path.join(__dirname, '..', 'lib', 'infra.mjs')).href);

  if (!infra.resolveNatsServerBinary()) {
    throw new Error(`Integration and end-to-end tests start their own nats-server.\n${infra.natsServerMissingMessage()}`);
  }

  if (globalThis.__recordsTestPostgres) return;
  const postgres = await infra.ensureTestPostgres({ log: (message) => process.stderr.write(`${message}\n`) });
  // Set here, it reaches every test worker (they are started after global setup, with this environment).
  process.env.TEST_DATABASE_URL = postgres.url;
  // Read by global-teardown.cjs, which runs in this same process.
  globalThis.__recordsTestPostgres = postgres;
};
