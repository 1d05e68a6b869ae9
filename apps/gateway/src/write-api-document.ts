import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeApi } from './api-document';

/** `node apps/gateway/dist/write-api-document.js <file>`: writes the OpenAPI document without starting anything. */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node apps/gateway/dist/write-api-document.js <file>');
  const document = await describeApi();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
