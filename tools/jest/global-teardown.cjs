// Stops the embedded PostgreSQL that global-setup.cjs started, if it started one.
module.exports = async function globalTeardown() {
  const postgres = globalThis.__recordsTestPostgres;
  globalThis.__recordsTestPostgres = undefined;
  if (postgres) await postgres.stop();
};
