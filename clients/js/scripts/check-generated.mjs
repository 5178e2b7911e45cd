#!/usr/bin/env node
// Fails when src/generated/api.ts is not what `npm run gen` makes of docs/openapi.yaml now: the
// client's types are generated from the contract, never edited by hand, and never stale.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bitacora-client-gen-'));
try {
  const out = path.join(tmp, 'api.ts');
  execFileSync(process.execPath, [path.join(root, 'node_modules/openapi-typescript/bin/cli.js'),
    path.join(root, '../../docs/openapi.yaml'), '-o', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  const committed = fs.readFileSync(path.join(root, 'src/generated/api.ts'), 'utf8');
  if (fs.readFileSync(out, 'utf8') !== committed) {
    console.error('clients/js/src/generated/api.ts is stale: run `npm run gen` in clients/js and commit the result');
    process.exit(1);
  }
  console.log('src/generated/api.ts matches docs/openapi.yaml');
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
