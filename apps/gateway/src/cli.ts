import 'reflect-metadata';
import { callerTokenKey, generateSigningKeyPair } from '@platform/auth';
import { ConfigError } from '@platform/config';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadGatewayCliConfig } from './config';

const USAGE = `usage: node apps/gateway/dist/cli.js <command>
  generate-signing-key <file>      write a new Ed25519 private key (PEM, owner-only) and <file>.pub
  caller-key <service>             print the key <service> checks caller tokens with (CALLER_TOKEN_KEY), derived
                                   from CALLER_TOKEN_SECRET
The gateway keeps no database: users, sessions and the first administrator are the identity service's
(node apps/identity/dist/cli.js migrate | create-admin | audit:verify …).`;

function writeOwnerOnly(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

async function main([command, argument]: string[]): Promise<number> {
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
  }
  out(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : (error.stack ?? error.message)}\n`);
    process.exit(1);
  },
);
