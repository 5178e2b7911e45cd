#!/usr/bin/env node
// Contract test: a real bitacora binary against docs/openapi.yaml.
//
//   node tests/contract/contract.test.mjs <path-to-bitacora-binary> [artifacts-dir]
//
// Starts the binary on a fresh data directory, exercises every operation of the document (its
// successes and the errors a client can reach), and checks each answer against the document made
// strict: the status must be documented, every required response header present and valid, and
// the body valid for that status and content type, with no member the document does not name.
// Also: the document itself is valid OpenAPI 3.1; the test can fail (drift self-check); the
// server's GET /openapi.json equals the document; every operation was exercised. Exit 0 when all
// holds, else 1 with a report. README.md beside this file says more.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import YAML from 'yaml';
import { Validator } from '@seriousme/openapi-schema-validator';

import {
  ADMIN_TOKEN, ALICE_TOKEN, Fatal, closeAgent, configToml, deref, eventually, operationsOf, request, schemaCompiler,
  startServer, strictDocument, ajvErrors,
} from './lib.mjs';
import { scenario } from './scenario.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const DOC_PATH = path.resolve(here, '../../docs/openapi.yaml');

const [binaryArg, artifactsArg] = process.argv.slice(2);
if (!binaryArg) {
  console.error('usage: node tests/contract/contract.test.mjs <path-to-bitacora-binary> [artifacts-dir]');
  process.exit(2);
}
const binary = path.resolve(binaryArg);
const artifacts = path.resolve(artifactsArg ?? path.join(here, 'artifacts'));
fs.mkdirSync(artifacts, { recursive: true });

// ---------------------------------------------------------------- bookkeeping

const failures = []; // {kind, where, status, details[]}
let checks = 0;
const fail = (kind, where, details, status) => failures.push({ kind, where, status, details: [].concat(details) });
const exercised = new Map(); // "METHOD template" → Set of statuses

// ---------------------------------------------------------------- the document

const docText = fs.readFileSync(DOC_PATH, 'utf8');
const doc = YAML.parse(docText);
{
  const result = await new Validator().validate(structuredClone(doc));
  checks++;
  if (!result.valid) {
    console.error(`docs/openapi.yaml is not a valid OpenAPI 3.1 document:\n${JSON.stringify(result.errors, null, 2).slice(0, 4000)}`);
    process.exit(1);
  }
  if (!String(doc.openapi).startsWith('3.1')) {
    console.error(`docs/openapi.yaml: openapi is ${doc.openapi}, expected 3.1.x`);
    process.exit(1);
  }
}
const strict = strictDocument(doc);
const compile = schemaCompiler(strict);
const operations = operationsOf(strict);
const opIndex = new Map(operations.map((o) => [`${o.method} ${o.template}`, o]));

// ---------------------------------------------------------------- the server

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bitacora-contract-'));
const logPath = path.join(artifacts, 'server.log');
fs.writeFileSync(logPath, '');
let server;
let conventionsConfig = true;
{
  const configPath = path.join(dataDir, 'config.toml');
  fs.writeFileSync(configPath, configToml({ dataDir: path.join(dataDir, 'data'), conventions: true }));
  try {
    server = await startServer(binary, configPath, logPath);
  } catch (e) {
    if (!(e instanceof Fatal)) throw e;
    // The binary may predate the new HTTP conventions' configuration keys: a failure to report,
    // and the run goes on without them so everything else is still checked.
    fail('config', '[http] cors_origins, serve_demo; [auth] issuer, audience',
      `the binary refused the configuration of the new HTTP conventions:\n${e.message.slice(0, 600)}`);
    conventionsConfig = false;
    fs.rmSync(path.join(dataDir, 'data'), { recursive: true, force: true });
    fs.writeFileSync(configPath, configToml({ dataDir: path.join(dataDir, 'data'), conventions: false }));
    server = await startServer(binary, configPath, logPath);
  }
}
const port = server.port;

// ---------------------------------------------------------------- calling and checking

const expand = (template, params = {}) =>
  template.replace(/\{([^}]+)\}/g, (_, name) => {
    if (!(name in params)) throw new Error(`no value for {${name}} of ${template}`);
    return params[name];
  });

/**
 * Calls one documented operation and checks the answer against the document.
 *   call('GET /api/cart', {token, params, query, headers, body, expect})
 * `token`: 'admin' (default), 'alice', null (none) or any string. `expect`: the statuses this
 * step wants (else a scenario failure). Returns {status, headers, json, text}.
 */
async function call(key, { token = 'admin', params, query, headers = {}, body, expect } = {}) {
  const entry = opIndex.get(key);
  if (!entry) throw new Error(`the test calls ${key}, which the document does not have`);
  let target = expand(entry.template, params);
  if (query) target += `?${typeof query === 'string' ? query : new URLSearchParams(query).toString()}`;
  const h = { ...headers };
  const bearer = token === 'admin' ? ADMIN_TOKEN : token === 'alice' ? ALICE_TOKEN : token;
  if (bearer) h.Authorization = `Bearer ${bearer}`;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    h['Content-Type'] ??= 'application/json';
  }
  const res = await request(port, entry.method, target, h, payload);
  if (!exercised.has(key)) exercised.set(key, new Set());
  exercised.get(key).add(res.status);
  const where = `${key} (${entry.method} ${target})`;
  const json = (() => { try { return res.text ? JSON.parse(res.text) : null; } catch { return undefined; } })();
  checks++;
  const before = failures.length;
  validateAnswer(entry, res, json, where);
  if (expect && !expect.includes(res.status))
    fail('scenario', where, `expected ${expect.join(' or ')}, got ${res.status}: ${res.text.slice(0, 300)}`, res.status);
  const ok = failures.length === before;
  return { status: res.status, headers: res.headers, json, text: res.text, ok };
}

function validateAnswer(entry, res, json, where) {
  const documented = entry.op.responses?.[String(res.status)];
  if (!documented) {
    fail('undocumented status', where, `status ${res.status} is not documented (documented: ${Object.keys(entry.op.responses ?? {}).join(', ')}); body: ${res.text.slice(0, 300)}`, res.status);
    return;
  }
  const response = deref(strict, documented);
  for (const [name, raw] of Object.entries(response.headers ?? {})) {
    const header = deref(strict, raw);
    const value = res.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) fail('missing header', where, `required response header ${name} is absent`, res.status);
      continue;
    }
    if (header.schema) {
      const v = compile(header.schema);
      if (!v(Array.isArray(value) ? value.join(', ') : value))
        fail('header', where, `${name}: ${JSON.stringify(value)}: ${ajvErrors(v.errors).join('; ')}`, res.status);
    }
  }
  const content = response.content;
  if (!content) {
    if (res.text.length) fail('body', where, `the document gives no body for ${res.status}, the server sent ${res.text.length} bytes`, res.status);
    return;
  }
  const ctype = String(res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const media = content[ctype];
  if (!media) {
    fail('content type', where, `content type "${ctype}" is not documented for ${res.status} (documented: ${Object.keys(content).join(', ')})`, res.status);
    return;
  }
  if (!media.schema) return;
  const isJson = ctype === 'application/json' || ctype.endsWith('+json');
  if (isJson && json === undefined) {
    fail('body', where, `the body is not JSON: ${res.text.slice(0, 200)}`, res.status);
    return;
  }
  const v = compile(media.schema);
  if (!v(isJson ? json : res.text))
    fail('schema', where, [...ajvErrors(v.errors), `body: ${res.text.slice(0, 400)}`], res.status);
}

/** A check of the new conventions beyond what the schemas say (a header's value, a replay). */
function expectThat(cond, where, message) {
  checks++;
  if (!cond) fail('convention', where, message);
  return cond;
}

/** Runs one step; an exception is a failure of that step, and the run goes on. */
async function step(name, fn) {
  try {
    await fn();
  } catch (e) {
    if (server.exited()) throw new Fatal(`bitacora exited (${JSON.stringify(server.exited())}) during "${name}"`);
    fail('step', name, e.stack?.split('\n').slice(0, 3).join('\n') ?? String(e));
  }
}

const waitWebhook = (id, statuses = ['succeeded', 'failed']) =>
  eventually(`webhook ${id} to be ${statuses.join('/')}`, async () => {
    const r = await request(port, 'GET', `/api/webhook-events/${id}`, { Authorization: `Bearer ${ADMIN_TOKEN}` });
    const j = JSON.parse(r.text);
    return statuses.includes(j.status) ? j : null;
  });
const waitOrder = (ref, statuses) =>
  eventually(`order ${ref} to be ${statuses.join('/')}`, async () => {
    const r = await request(port, 'GET', `/api/orders/${ref}`, { Authorization: `Bearer ${ADMIN_TOKEN}` });
    const j = JSON.parse(r.text);
    return statuses.includes(j.status) ? j : null;
  });

// ---------------------------------------------------------------- the scenario (scenario.mjs)

try {
  await scenario({ call, step, expectThat, fail, count: () => checks++, doc, strict, operations, port, conventionsConfig, waitWebhook, waitOrder });
} catch (e) {
  fail('fatal', 'run', e.stack ?? String(e));
} finally {
  await server.stop();
  closeAgent();
}

// ---------------------------------------------------------------- coverage and report

const missed = operations.map((o) => `${o.method} ${o.template}`).filter((k) => !exercised.has(k));
checks++;
if (missed.length) fail('coverage', 'operations never exercised', missed);

// Every route the server registers (router.add in http/handlers/*.cpp; {name...} is {name}) must
// be in the document, with the OPTIONS preflight of each CORS path (http/conventions.cpp): a
// route added without documenting it fails here even if no step calls it.
{
  const source = path.resolve(here, '../../http');
  const registered = new Set();
  for (const file of fs.readdirSync(path.join(source, 'handlers')).filter((f) => f.endsWith('.cpp'))) {
    const text = fs.readFileSync(path.join(source, 'handlers', file), 'utf8');
    for (const m of text.matchAll(/router\.add\(bhttp::verb::(\w+?)_?,\s*"([^"]+)"/g)) registered.add(`${m[1].toUpperCase()} ${m[2]}`);
  }
  const conventions = fs.readFileSync(path.join(source, 'conventions.cpp'), 'utf8');
  for (const m of conventions.matchAll(/ShopperRoute\{bhttp::verb::\w+,\s*"([^"]+)"\}/g)) registered.add(`OPTIONS ${m[1]}`);
  const shape = (t) => t.replace(/\{[^}]+\}/g, '{}');
  const documented = operations.map((o) => `${o.method} ${shape(o.template)}`);
  // A final {rest...} capture takes the rest of the path: documented by the paths under it
  // (/api/streams/{stream...} serves /api/streams/{stream}/events and /state).
  const covers = (route) => {
    const rest = route.match(/^(.*)\{\w+\.\.\.\}$/);
    if (!rest) return documented.includes(shape(route));
    return documented.some((d) => d.startsWith(shape(rest[1]) + '{}'));
  };
  const undocumented = [...registered].filter((r) => !covers(r)).sort();
  checks++;
  if (registered.size < 40) fail('routes', 'http/handlers/*.cpp', `only ${registered.size} routes found: the scan no longer matches how routes are added`);
  if (undocumented.length) fail('routes', 'registered by the server but not in docs/openapi.yaml', undocumented);
}

const lines = [];
lines.push(`contract: docs/openapi.yaml (${operations.length} operations) against ${binary}`);
lines.push(`exercised ${exercised.size}/${operations.length} operations:`);
for (const [k, statuses] of [...exercised].sort()) lines.push(`  ${k}  → ${[...statuses].sort().join(', ')}`);
if (failures.length) {
  lines.push('', `FAILURES (${failures.length}):`);
  for (const f of failures) {
    lines.push(`- [${f.kind}] ${f.where}${f.status ? ` → ${f.status}` : ''}`);
    for (const d of f.details) lines.push(`    ${String(d).replace(/\n/g, '\n    ')}`);
  }
}
const failed = new Set(failures.map((f) => `${f.kind}|${f.where}|${f.details[0]}`)).size;
lines.push('', `contract: ${Math.max(checks - failed, 0)} passed, ${failed} failed`);
const report = lines.join('\n');
fs.writeFileSync(path.join(artifacts, 'report.txt'), `${report}\n`);
console.log(report);
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(failures.length ? 1 : 0);
