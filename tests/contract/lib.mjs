// Helpers of the contract test: the document (loaded, made strict, compiled), the bitacora
// process, raw HTTP calls, tokens and gateway signatures, polling with deadlines.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const JWT_SECRET = 'contract-test-jwt-secret';
export const JWT_ISSUER = 'https://id.contract.example';
export const JWT_AUDIENCE = 'bitacora-contract';
export const ADMIN_TOKEN = 'contract-test-admin-token';
export const ALICE_TOKEN = 'contract-test-alice-token';
export const WOMPI_EVENTS_SECRET = 'test_events_dev_only';
export const WOMPI_INTEGRITY_SECRET = 'test_integrity_dev_only';
export const MP_SECRET = 'contract-mp-webhook-secret';
export const STRIPE_SECRET = 'whsec_contract_test_secret';
export const STANDARD_KEY = Buffer.from('contract-standard-webhooks-key!!');
export const STANDARD_SECRET = `whsec_${STANDARD_KEY.toString('base64')}`;
export const CORS_ORIGIN = 'https://shop.example';

export const sha256hex = (s) => crypto.createHash('sha256').update(s).digest('hex');
const hmac = (key, text) => crypto.createHmac('sha256', key).update(text);

export class Fatal extends Error {}

/** Polls fn until it returns a truthy value (returned) or the deadline passes (throws). */
export async function eventually(what, fn, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = `last value: ${JSON.stringify(v)}`;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      last = `last error: ${e.message}`;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------- configuration, process

/** The run's configuration; `conventions` adds the keys of the new HTTP conventions. */
export function configToml({ dataDir, conventions }) {
  return `# Written by tests/contract/contract.test.mjs for one run.
[server]
listen = "127.0.0.1:0"

[storage]
dir = "${dataDir}"

[auth]
jwt_secret = "${JWT_SECRET}"
admin_token = "${ADMIN_TOKEN}"
${conventions ? `issuer = "${JWT_ISSUER}"\naudience = "${JWT_AUDIENCE}"\n` : ''}
[operators.alice]
token_sha256 = "${sha256hex(ALICE_TOKEN)}"

[wompi]
events_secret = "${WOMPI_EVENTS_SECRET}"
integrity_secret = "${WOMPI_INTEGRITY_SECRET}"

[mercadopago]
webhook_secret = "${MP_SECRET}"
access_token = "contract-mp-access-token"
api_base = "http://127.0.0.1:9"

[stripe]
webhook_secret = "${STRIPE_SECRET}"

[standard_webhooks.acme]
secret = "${STANDARD_SECRET}"

[reservations]
ttl_seconds = 900

[retries]
schedule_seconds = [1]

[log]
level = "info"
${conventions ? `
[http]
cors_origins = ["${CORS_ORIGIN}"]
serve_demo = true
` : ''}`;
}

/**
 * Starts `bitacora serve --config <file>` and reads the port from its "listening on host:port"
 * log line. BITACORA_* variables are not passed on (the server takes them as configuration).
 */
export async function startServer(binary, configPath, logPath) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BITACORA_')));
  const child = spawn(binary, ['serve', '--config', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(logPath, { flags: 'a' });
  let output = '';
  let exited = null;
  const onData = (d) => { output += d.toString(); log.write(d); };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  child.on('error', (e) => { exited = { error: e.message }; });
  const port = await eventually('bitacora to log "listening on"', () => {
    if (exited) throw new Fatal(`bitacora exited during start-up (${JSON.stringify(exited)}):\n${output.slice(-2000)}`);
    const m = /listening on (?:\[[^\]]*\]|[^\s:]+):(\d+)/.exec(output);
    return m ? Number(m[1]) : null;
  }, 20000).catch((e) => { child.kill('SIGKILL'); log.end(); throw e; });
  return {
    port,
    output: () => output,
    exited: () => exited,
    async stop() {
      if (exited) { log.end(); return; }
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      await new Promise((r) => (exited ? r() : child.once('exit', r)));
      clearTimeout(t);
      log.end();
    },
  };
}

// ---------------------------------------------------------------- raw HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** One request; resolves {status, headers (lower-case names), text}. */
export function request(port, method, target, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(20000, () => req.destroy(new Error(`${method} ${target}: no answer in 20 s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function closeAgent() { agent.destroy(); }

// ---------------------------------------------------------------- tokens and signatures

const b64url = (x) => Buffer.from(x).toString('base64url');
/** An HS256 shopper token; `claims` overrides the defaults (sub, iss, aud, iat, exp). */
export function shopperJwt(sub, claims = {}, { alg = 'HS256', secret = JWT_SECRET } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub, iss: JWT_ISSUER, aud: JWT_AUDIENCE, iat: now, exp: now + 3600, ...claims };
  for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
  const m = `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  return `${m}.${b64url(hmac(secret, m).digest())}`;
}

/** A Wompi transaction.updated body signed as docs/api.md §1 says. */
export function wompiBody({ txId, status = 'APPROVED', amount, reference, currency = 'COP', secret = WOMPI_EVENTS_SECRET }) {
  const ts = Math.floor(Date.now() / 1000);
  const checksum = sha256hex(`${txId}${status}${amount}${ts}${secret}`);
  return JSON.stringify({
    event: 'transaction.updated',
    data: { transaction: { id: txId, status, amount_in_cents: amount, reference, currency } },
    signature: { properties: ['transaction.id', 'transaction.status', 'transaction.amount_in_cents'], checksum },
    timestamp: ts,
    environment: 'test',
  });
}

/** Mercado Pago's x-signature for a data.id and x-request-id. */
export function mercadoPagoSignature(dataId, requestId, secret = MP_SECRET) {
  const ts = Math.floor(Date.now() / 1000);
  const v1 = hmac(secret, `id:${dataId.toLowerCase()};request-id:${requestId};ts:${ts};`).digest('hex');
  return `ts=${ts},v1=${v1}`;
}

export function stripeSignature(body, secret = STRIPE_SECRET) {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${hmac(secret, `${t}.${body}`).digest('hex')}`;
}

export function standardHeaders(id, body, key = STANDARD_KEY) {
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    'webhook-id': id,
    'webhook-timestamp': ts,
    'webhook-signature': `v1,${hmac(key, `${id}.${ts}.${body}`).digest('base64')}`,
  };
}

// ---------------------------------------------------------------- the document

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation of the document: [{method, template, op, pathItem}]. */
export function operationsOf(doc) {
  const out = [];
  for (const [template, item] of Object.entries(doc.paths ?? {}))
    for (const method of METHODS) if (item[method]) out.push({ method: method.toUpperCase(), template, op: item[method], pathItem: item });
  return out;
}

/** Resolves a local `#/…` reference (repeatedly). */
export function deref(doc, node) {
  let n = node;
  for (let i = 0; n && typeof n === 'object' && typeof n.$ref === 'string' && i < 20; i++) {
    if (!n.$ref.startsWith('#/')) throw new Error(`only local references are supported: ${n.$ref}`);
    n = n.$ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce((o, k) => o?.[k], doc);
    if (n === undefined) throw new Error(`unresolved reference ${node.$ref}`);
  }
  return n;
}

const clone = (x) => structuredClone(x);
const isObjectSchema = (s) =>
  s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || (s.properties && typeof s.properties === 'object');

/**
 * The schema made strict: every object schema that does not set `additionalProperties` gets
 * `additionalProperties: false`, recursively. A schema composed with `allOf` gets
 * `unevaluatedProperties: false` at the composing level instead, and its branches (references
 * inlined) are left open at their top, so the members of every branch count as evaluated.
 */
export function strictify(doc, schema, branch = false) {
  if (Array.isArray(schema)) return schema.map((s) => strictify(doc, s));
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (['properties', 'patternProperties', '$defs', 'dependentSchemas'].includes(k) && v && typeof v === 'object')
      out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, strictify(doc, s)]));
    else if (['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames',
      'unevaluatedProperties', 'unevaluatedItems'].includes(k) && v && typeof v === 'object')
      out[k] = strictify(doc, v);
    else if (['prefixItems', 'oneOf', 'anyOf'].includes(k) && Array.isArray(v)) out[k] = v.map((s) => strictify(doc, s));
    else if (k === 'allOf' && Array.isArray(v)) out[k] = v.map((s) => strictify(doc, s.$ref ? clone(deref(doc, s)) : s, true));
    else out[k] = v;
  }
  const open = 'additionalProperties' in out || 'unevaluatedProperties' in out;
  if (out.allOf && !open) out.unevaluatedProperties = false;
  else if (!branch && !open && isObjectSchema(out)) out.additionalProperties = false;
  return out;
}

/** Every `schema` of the document (media types, parameters, headers) and every component schema made strict. */
export function strictDocument(doc) {
  const out = clone(doc);
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'schema' && v && typeof v === 'object') node[k] = strictify(doc, v);
      else walk(v);
    }
  };
  walk(out.paths);
  for (const part of ['responses', 'parameters', 'headers', 'requestBodies']) walk(out.components?.[part]);
  for (const [name, s] of Object.entries(out.components?.schemas ?? {})) out.components.schemas[name] = strictify(doc, s);
  return out;
}

const ROOT_ID = 'urn:bitacora:openapi';
function rerefs(node) {
  if (Array.isArray(node)) return node.map(rerefs);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node))
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
      ? `${ROOT_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`
      : rerefs(v);
  return out;
}

/** Compiles the (strict) document's schemas with Ajv's 2020-12 build; returns compile(schema). */
export function schemaCompiler(strictDoc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: ROOT_ID, $defs: rerefs(strictDoc.components?.schemas ?? {}) });
  const cache = new Map();
  return (schema) => {
    const key = JSON.stringify(schema);
    if (!cache.has(key)) cache.set(key, ajv.compile(rerefs(schema)));
    return cache.get(key);
  };
}

export const ajvErrors = (errors) =>
  (errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);
