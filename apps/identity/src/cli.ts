import 'reflect-metadata';
import { ROLES } from '@contracts/common';
import { passwordProblems } from '@contracts/identity';
import { type CliCommand, runCliMain } from '@platform/service-kit';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadIdentityCliConfig } from './config';
import { hashPassword } from './passwords';
import { identityService } from './service';

function writeOwnerOnly(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Identity's own operator commands, beside the kit's (migrate, health, audit …). */
const commands: Record<string, CliCommand> = {
  'create-admin': {
    usage: `create-admin [password-file]  create the first administrator if none exists: ADMIN_USERNAME (default admin)
                       with ADMIN_PASSWORD, or a generated password printed once and written to password-file
                       (readable by the owner only)`,
    // First run: an administrator must exist, and no default password ever does.
    async run([passwordFile], { database, out }) {
      const { ADMIN_USERNAME: username, ADMIN_PASSWORD: given } = loadIdentityCliConfig();
      const db = await database();
      const [existing] = await db.query(
        `SELECT u.username FROM app_user u JOIN role_assignment a ON a.user_id = u.id
          WHERE a.role = 'administrator' AND a.unit_id IS NULL AND a.valid_to IS NULL LIMIT 1`,
      );
      if (existing) {
        out(`an administrator exists (${existing.username})`);
        return 0;
      }
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
    },
  },
};

runCliMain(identityService, commands);
