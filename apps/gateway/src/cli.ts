import 'reflect-metadata';
import { ROLES } from '@contracts/common';
import { withFileSecrets } from '@platform/config';
import { callerTokenKey, generateSigningKeyPair } from '@platform/auth';
import { migrateServiceDatabase, revertLastMigration } from '@platform/persistence';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GATEWAY_SECRETS, loadGatewayCliConfig, type GatewayCliConfig } from './config';
import { AuditLog } from '@platform/audit';
import { AUDIT_LOCK_KEY } from './audit/audit-lock';
import { identityDatabasePlan, identityDataSource } from './identity/database';
import { hashPassword } from './identity/passwords';
import { passwordProblems } from './identity/password-policy';

const USAGE = `usage: node apps/gateway/dist/cli.js <command>
  migrate                          apply pending migrations of the identity schema, as the gateway's own role; with
                                   DATABASE_ADMIN_URL also create that role and the schema first and seal the audit
                                   table after
  migrate:revert                   revert the last applied migration
  create-admin [password-file]     create the first administrator if none exists: ADMIN_USERNAME (default admin)
                                   with ADMIN_PASSWORD, or a generated password printed once and written to
                                   password-file (readable by the owner only)
  generate-signing-key <file>      write a new Ed25519 private key (PEM, owner-only) and <file>.pub
  caller-key <service>             print the key <service> checks caller tokens with (CALLER_TOKEN_KEY), derived
                                   from CALLER_TOKEN_SECRET
  audit:verify [seq hash]          recompute the gateway's audit chain (against an exported head); exit 1 on tampering
  audit:head                       print the chain's last record, to keep outside the system`;

function auditLog(db: import('typeorm').DataSource, config: GatewayCliConfig): AuditLog {
  if (!config.AUDIT_KEY) throw new Error('set AUDIT_KEY or AUDIT_KEY_FILE: this command checks the audit chain');
  return new AuditLog({ dataSource: db, lockKey: AUDIT_LOCK_KEY, key: config.AUDIT_KEY });
}

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
    case 'caller-key': {
      if (!argument || !/^[a-z][a-z0-9-]{0,62}$/.test(argument)) break;
      const { CALLER_TOKEN_SECRET } = loadGatewayCliConfig();
      if (!CALLER_TOKEN_SECRET) throw new Error('set CALLER_TOKEN_SECRET or CALLER_TOKEN_SECRET_FILE');
      out(callerTokenKey(CALLER_TOKEN_SECRET, argument).toString('base64'));
      return 0;
    }
    case 'migrate': {
      const config = loadGatewayCliConfig();
      const { applied, sealed } = await migrateServiceDatabase({
        plan: identityDatabasePlan(config),
        serviceUrl: config.DATABASE_URL,
        password: config.DATABASE_PASSWORD,
        adminUrl: config.DATABASE_ADMIN_URL,
        dataSource: () => identityDataSource(config),
      });
      out(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      if (sealed.length) out(`sealed: ${sealed.join(', ')} (the gateway may only read and append)`);
      return 0;
    }
    case 'migrate:revert':
    case 'audit:verify':
    case 'audit:head':
    case 'create-admin': {
      const config = loadGatewayCliConfig();
      const db = await identityDataSource(config).initialize();
      try {
        if (command === 'audit:head' || command === 'audit:verify') {
          const audit = auditLog(db, config);
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
          return await createAdmin(db, argument, out, withFileSecrets(process.env, GATEWAY_SECRETS));
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
async function createAdmin(
  db: import('typeorm').DataSource,
  passwordFile: string | undefined,
  out: (line: string) => void,
  env: Record<string, string | undefined>,
): Promise<number> {
  const [existing] = await db.query(
    `SELECT u.username FROM app_user u JOIN role_assignment a ON a.user_id = u.id
      WHERE a.role = 'administrator' AND a.unit_id IS NULL AND a.valid_to IS NULL LIMIT 1`,
  );
  if (existing) {
    out(`an administrator exists (${existing.username})`);
    return 0;
  }
  const username = env.ADMIN_USERNAME || 'admin';
  const given = env.ADMIN_PASSWORD;
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
