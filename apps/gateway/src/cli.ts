import 'reflect-metadata';
import { ROLES } from '@contracts/common';
import { loadConfig, withFileSecrets } from '@platform/config';
import { generateSigningKeyPair } from '@platform/auth';
import { revertLastMigration, runMigrations } from '@platform/persistence';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gatewayEnv } from './config';
import { AuditLog } from '@platform/audit';
import { AUDIT_LOCK_KEY } from './audit/audit-lock';
import { identityDataSource } from './identity/database';
import { hashPassword } from './identity/passwords';
import { passwordProblems } from './identity/password-policy';

const USAGE = `usage: node apps/gateway/dist/cli.js <command>
  migrate                          apply pending migrations of the identity schema
  migrate:revert                   revert the last applied migration
  create-admin [password-file]     create the first administrator if none exists: ADMIN_USERNAME (default admin)
                                   with ADMIN_PASSWORD, or a generated password printed once and written to
                                   password-file (readable by the owner only)
  generate-signing-key <file>      write a new Ed25519 private key (PEM, owner-only) and <file>.pub
  audit:verify [seq hash]          recompute the gateway's audit chain (against an exported head); exit 1 on tampering
  audit:head                       print the chain's last record, to keep outside the system`;

const databaseOnly = gatewayEnv.pick({ DATABASE_URL: true, DATABASE_SCHEMA: true, DATABASE_POOL_SIZE: true, DATABASE_STATEMENT_TIMEOUT_MS: true });

function writeOwnerOnly(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

async function main([command, argument, ...rest]: string[]): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  switch (command) {
    case 'generate-signing-key': {
      if (!argument) break;
      if (existsSync(argument)) {
        out(`${argument} exists; keeping it`);
        return 0;
      }
      const { privateKeyPem, publicKeyPem } = await generateSigningKeyPair();
      writeOwnerOnly(argument, privateKeyPem);
      writeFileSync(`${argument}.pub`, publicKeyPem);
      out(`wrote ${argument} and ${argument}.pub`);
      return 0;
    }
    case 'migrate':
    case 'migrate:revert':
    case 'audit:verify':
    case 'audit:head':
    case 'create-admin': {
      const config = loadConfig(databaseOnly, withFileSecrets(process.env, ['DATABASE_URL', 'ADMIN_PASSWORD']));
      const db = await identityDataSource(config).initialize();
      try {
        if (command === 'migrate') {
          const applied = await runMigrations(db, config.DATABASE_SCHEMA);
          out(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
        } else if (command === 'audit:head' || command === 'audit:verify') {
          const audit = new AuditLog({ dataSource: db, lockKey: AUDIT_LOCK_KEY });
          if (command === 'audit:head') {
            out(JSON.stringify(await audit.head()));
            return 0;
          }
          const result = await audit.verify({ expectedHead: argument && rest[0] ? { seq: argument, hash: rest[0] } : undefined });
          out(JSON.stringify(result, null, 2));
          return result.ok ? 0 : 1;
        } else if (command === 'migrate:revert') {
          await revertLastMigration(db);
          out('reverted the last migration');
        } else {
          return await createAdmin(db, argument, out);
        }
      } finally {
        await db.destroy();
      }
      return 0;
    }
  }
  out(USAGE);
  return 2;
}

/** First run: an administrator must exist, and no default password ever does. */
async function createAdmin(db: import('typeorm').DataSource, passwordFile: string | undefined, out: (line: string) => void): Promise<number> {
  const [existing] = await db.query(
    `SELECT u.username FROM app_user u JOIN role_assignment a ON a.user_id = u.id
      WHERE a.role = 'administrator' AND a.unit_id IS NULL AND a.valid_to IS NULL LIMIT 1`,
  );
  if (existing) {
    out(`an administrator exists (${existing.username})`);
    return 0;
  }
  const username = process.env.ADMIN_USERNAME || 'admin';
  const given = process.env.ADMIN_PASSWORD;
  const password = given || randomBytes(18).toString('base64url');
  const problems = passwordProblems(password, username);
  if (problems.length > 0) {
    out(`ADMIN_PASSWORD ${problems.join('; ')}`);
    return 1;
  }
  const id = randomUUID();
  await db.transaction(async (manager) => {
    await manager.query('INSERT INTO app_user (id, username, display_name, password_hash, clearance) VALUES ($1, $2, $3, $4, $5)', [
      id,
      username,
      'Administrator',
      await hashPassword(password),
      'tuyet_mat',
    ]);
    await manager.query(
      `INSERT INTO role_assignment (id, user_id, role, unit_id, valid_from, reason) VALUES ($1, $2, 'administrator', NULL, CURRENT_DATE, 'first run')`,
      [randomUUID(), id],
    );
  });
  out(`created administrator ${username} (${ROLES.administrator.description.toLowerCase()})`);
  if (!given) {
    out(`generated password (shown once): ${password}`);
    if (passwordFile) {
      writeOwnerOnly(passwordFile, `${password}\n`);
      out(`also written to ${passwordFile} (readable by its owner only)`);
    }
  }
  out('log in, then enrol an authenticator: POST /api/v1/auth/totp/enrol and /api/v1/auth/totp/confirm');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
