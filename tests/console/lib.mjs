// Helpers of the console browser test: the bitacora process, HTTP calls, shopper JWTs, signed
// Wompi webhooks, polling with deadlines (never fixed sleeps), and the page checks the steps share.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const WOMPI_EVENTS_SECRET = 'test_events_dev_only'; // config/dev.toml, DEV ONLY
export const WOMPI_INTEGRITY_SECRET = 'test_integrity_dev_only';
export const JWT_SECRET = 'console-test-jwt-secret';
export const ADMIN_TOKEN = 'console-test-admin-token';

export const sha256hex = (s) => crypto.createHash('sha256').update(s).digest('hex');

export class TestFailure extends Error {}
// Thrown inside an eventually() callback to stop polling at once (the server died, say).
export class Fatal extends TestFailure {}
export function assert(cond, message) {
  if (!cond) throw new TestFailure(message);
}

/** Polls fn until it returns a truthy value (returned) or the deadline passes (throws `what`). */
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
    if (Date.now() > deadline) throw new TestFailure(`timed out after ${timeoutMs} ms waiting for: ${what} (${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function configToml({ dataDir, aliceToken }) {
  return `# Written by tests/console/console.test.mjs for one run.
[server]
listen = "127.0.0.1:0"

[storage]
dir = "${dataDir}"

[auth]
jwt_secret = "${JWT_SECRET}"
admin_token = "${ADMIN_TOKEN}"

[operators.alice]
token_sha256 = "${sha256hex(aliceToken)}"

[wompi]
events_secret = "${WOMPI_EVENTS_SECRET}"
integrity_secret = "${WOMPI_INTEGRITY_SECRET}"

[reservations]
ttl_seconds = 900

[retries]
schedule_seconds = [1]

[log]
level = "info"
`;
}

/**
 * Starts `bitacora serve --config <file>` and reads the port from its "listening on host:port"
 * log line. BITACORA_* variables of this environment are not passed on: the server would take
 * them as configuration overrides.
 */
export async function startServer(binary, configPath, logPath) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BITACORA_')));
  const child = spawn(binary, ['serve', '--config', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(logPath);
  let output = '';
  let exited = null;
  const onData = (d) => { output += d.toString(); log.write(d); };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const port = await eventually('bitacora to log "listening on"', () => {
    if (exited) throw new Fatal(`bitacora exited during start-up (${JSON.stringify(exited)}):\n${output.slice(-2000)}`);
    const m = /listening on (?:\[[^\]]*\]|[^\s:]+):(\d+)/.exec(output);
    return m ? Number(m[1]) : null;
  }, 20000).catch((e) => { child.kill('SIGKILL'); throw e; });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      await new Promise((r) => (exited ? r() : child.once('exit', r)));
      clearTimeout(t);
      log.end();
    },
  };
}

export function client(origin) {
  async function call(method, p, { body, token = ADMIN_TOKEN, headers = {} } = {}) {
    const res = await fetch(origin + p, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = { raw: text }; }
    return { status: res.status, json };
  }
  const ok = async (method, p, opts, expect = [200, 201, 202]) => {
    const r = await call(method, p, opts);
    assert(expect.includes(r.status), `${method} ${p} → ${r.status} ${JSON.stringify(r.json)} (expected ${expect})`);
    return r.json;
  };
  return { call, ok };
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');
export function shopperJwt(sub) {
  const m = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify({ sub }))}`;
  return `${m}.${b64url(crypto.createHmac('sha256', JWT_SECRET).update(m).digest())}`;
}

/** A Wompi transaction.updated, signed as README.md's walkthrough signs it. Returns the event id. */
export async function postWompi(api, { txId, status = 'APPROVED', amount, reference, currency = 'COP' }) {
  const ts = Math.floor(Date.now() / 1000);
  const checksum = sha256hex(`${txId}${status}${amount}${ts}${WOMPI_EVENTS_SECRET}`);
  const body = {
    event: 'transaction.updated',
    data: { transaction: { id: txId, status, amount_in_cents: amount, reference, currency } },
    signature: { properties: ['transaction.id', 'transaction.status', 'transaction.amount_in_cents'], checksum },
    timestamp: ts,
  };
  const r = await api.ok('POST', '/webhooks/wompi', { body, token: null });
  assert(r.status === 'received', `webhook for ${reference} was not newly received: ${JSON.stringify(r)}`);
  return r.event_id;
}

/** A shopper puts `quantity` of `sku` in their cart and checks out; returns the order. */
export async function checkout(api, user, sku, quantity) {
  const token = shopperJwt(user);
  await api.ok('POST', '/api/cart/bulk-update', { token, body: { [sku]: quantity } });
  return api.ok('POST', '/api/checkout', { token, body: { gateway: 'wompi' }, headers: { 'Idempotency-Key': `console-test-${user}` } });
}

export function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return path.resolve(dir);
}

// The spec's status → colour mapping, checked against every badge the views draw.
export const TONE = {
  pending: 'amber', pending_payment: 'amber', processing: 'blue', succeeded: 'green', paid: 'green', ok: 'green',
  failed: 'red', payment_failed: 'red', quarantined: 'purple', needs_attention: 'orange', expired: 'grey',
  cancelled: 'grey', refunded: 'teal',
};

// ---- checks shared by the test's steps ----

export async function rowsAre(page, want, mustHave) {
  const rows = await page.$$eval('[data-testid="webhook-row"]', (els) => els.map((e) => ({ id: e.dataset.id, status: e.dataset.status, reference: e.dataset.reference })));
  return rows.length > 0 && rows.some((r) => r.id === mustHave)
    && rows.every((r) => (!want.status || r.status === want.status) && (!want.reference || r.reference === want.reference));
}

export const retries = (detail) => detail.history.filter((e) => e.type === 'WebhookRetryRequested').length;

export async function waitWebhook(api, id, status) {
  await eventually(`${id} to be ${status}`, async () => (await api.ok('GET', `/api/webhook-events/${id}`)).status === status);
}

// Colours by status, right-aligned tabular numbers, UTC in every time's title.
export async function checkQuality(page, where, expect = { badges: true, times: true, nums: true }) {
  const r = await page.evaluate((TONE) => {
    const probe = document.createElement('span');
    document.body.append(probe);
    const bg = (tone) => { probe.style.backgroundColor = `var(--${tone}-bg)`; return getComputedStyle(probe).backgroundColor; };
    const bad = [];
    const badges = [...document.querySelectorAll('.badge[data-status]')];
    for (const b of badges) {
      const tone = TONE[b.dataset.status];
      if (tone && getComputedStyle(b).backgroundColor !== bg(tone)) bad.push(`badge ${b.dataset.status} is ${getComputedStyle(b).backgroundColor}, not ${tone}`);
    }
    probe.remove();
    const nums = [...document.querySelectorAll('td.num')];
    for (const n of nums) {
      const s = getComputedStyle(n);
      if (s.textAlign !== 'right' || !s.fontVariantNumeric.includes('tabular-nums')) bad.push(`number cell "${n.textContent}" is ${s.textAlign}/${s.fontVariantNumeric}`);
    }
    const times = [...document.querySelectorAll('time')];
    for (const t of times) if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/.test(t.title)) bad.push(`time "${t.textContent}" has title "${t.title}"`);
    return { bad, badges: badges.length, nums: nums.length, times: times.length };
  }, TONE);
  assert(!r.bad.length, `${where}: ${r.bad.slice(0, 5).join('; ')}`);
  for (const k of ['badges', 'times', 'nums']) if (expect[k]) assert(r[k] > 0, `${where}: expected ${k} on the page to check (${JSON.stringify(r)})`);
}

// A datetime-local value as Chromium keeps it: "…T10:20:30.900" reads back "…T10:20:30.9" and
// "…T10:20:00.000" as "…T10:20", and Playwright's fill() refuses a value that does not read back.
export function canonicalLocal(value) {
  let [date, t] = value.split('T');
  let [hms, ms = ''] = t.split('.');
  ms = ms.replace(/0+$/, '');
  if (!ms && hms.endsWith(':00')) hms = hms.slice(0, 5);
  return `${date}T${hms}${ms ? `.${ms}` : ''}`;
}
