// Runs the real bitacora binary for the integration tests, as tests/console/lib.mjs does: a temp
// config and data dir, the port read from the "listening on" log line (or chosen here, so that a
// restart on the same data dir keeps it), shopper JWTs signed HS256 with node:crypto, products
// defined with the admin token. Polls with deadlines; never sleeps a fixed time.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const JWT_SECRET = 'client-js-test-jwt-secret';
export const ADMIN_TOKEN = 'client-js-test-admin-token';

const here = path.dirname(fileURLToPath(import.meta.url));
/** `CLIENT_TEST_BINARY`, else `../../build/app/bitacora` from clients/js. */
export const BINARY = path.resolve(process.env.CLIENT_TEST_BINARY ?? path.join(here, '..', '..', '..', 'build', 'app', 'bitacora'));
export const binaryExists = fs.existsSync(BINARY);

/**
 * Polls `fn` until it returns a truthy value (returned) or the deadline passes (throws `what`).
 * @template T
 * @param {string} what
 * @param {() => T | Promise<T>} fn
 * @returns {Promise<NonNullable<T>>}
 */
export async function eventually(what, fn, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await fn();
      if (v) return /** @type {NonNullable<T>} */ (v);
      last = `last value: ${JSON.stringify(v)}`;
    } catch (e) {
      last = `last error: ${/** @type {Error} */ (e).message}`;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what} (${last})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = /** @type {net.AddressInfo} */ (s.address()).port;
      s.close(() => resolve(port));
    });
  });
}

/** @param {string} dataDir @param {number} port */
export function configToml(dataDir, port, extra = '') {
  return `# Written by clients/js tests for one run.
[server]
listen = "127.0.0.1:${port}"

[storage]
dir = "${dataDir}"

[auth]
jwt_secret = "${JWT_SECRET}"
admin_token = "${ADMIN_TOKEN}"

[reservations]
ttl_seconds = 900

[log]
level = "info"
${extra}`;
}

/** @param {Buffer | string} b */
const b64url = (b) => Buffer.from(b).toString('base64url');
/** A shopper's HS256 JWT for `sub`. @param {string} sub */
export function shopperJwt(sub) {
  const m = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify({ sub }))}`;
  return `${m}.${b64url(crypto.createHmac('sha256', JWT_SECRET).update(m).digest())}`;
}

/**
 * @typedef {object} Running
 * @property {string} url
 * @property {number} port
 * @property {string} dir
 * @property {() => string} output
 * @property {(opts?: { kill?: boolean }) => Promise<void>} stop SIGTERM (SIGKILL after 10 s); `kill: true` sends SIGKILL at once.
 * @property {() => Promise<void>} restart Starts the binary again on the same config, data dir and port.
 * @property {() => Promise<void>} dispose Stops it and removes its temp dir.
 */

/** Starts `bitacora serve` on a temp dir and a port picked here; `extraConfig` is appended to the TOML. */
/** @returns {Promise<Running>} */
export async function startServer(extraConfig = '') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bitacora-client-js-'));
  const port = await freePort();
  const configPath = path.join(dir, 'config.toml');
  fs.writeFileSync(configPath, configToml(path.join(dir, 'data'), port, extraConfig));
  // BITACORA_* variables of this environment would be read as configuration: not passed on.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BITACORA_')));
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  let output = '';
  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | null} */
  let exited = null;
  let runs = 0;

  async function launch() {
    runs++;
    output += `\n---- start ${runs} ----\n`;
    exited = null;
    const c = spawn(BINARY, ['serve', '--config', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    const startAt = output.length;
    /** @param {Buffer} d */
    const onData = (d) => {
      output += d.toString();
    };
    c.stdout?.on('data', onData);
    c.stderr?.on('data', onData);
    c.on('exit', (code, signal) => {
      if (child === c) exited = { code, signal };
    });
    await eventually('bitacora to log "listening on"', () => {
      if (exited) throw new Error(`bitacora exited during start-up (${JSON.stringify(exited)}):\n${output.slice(-2000)}`);
      return /listening on/.test(output.slice(startAt));
    }, 20000).catch((e) => {
      c.kill('SIGKILL');
      throw e;
    });
  }

  async function stop({ kill = false } = {}) {
    const c = child;
    if (!c || exited || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill(kill ? 'SIGKILL' : 'SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 10000);
    await gone;
    clearTimeout(t);
  }

  await launch();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    output: () => output,
    stop,
    async restart() {
      await stop();
      await launch();
    },
    async dispose() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Calls the server with the admin token (or `token`; `null`: none), returning status and JSON.
 * @param {string} url @param {string} method @param {string} p @param {unknown} [body]
 * @param {string | null} [token] @param {Record<string, string>} [headers]
 * @returns {Promise<{ status: number, json: any, headers: Headers }>}
 */
export async function call(url, method, p, body, token = ADMIN_TOKEN, headers = {}) {
  const res = await fetch(url + p, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json, headers: res.headers };
}

/** @param {string} url @param {string} sku @param {number} price @param {number} stock @param {string} [name] */
export async function defineProduct(url, sku, price, stock, name = sku) {
  const r = await call(url, 'PUT', `/api/products/${sku}`, { name, price_in_cents: price, currency: 'COP', stock });
  if (r.status !== 200) throw new Error(`PUT /api/products/${sku} → ${r.status} ${JSON.stringify(r.json)}`);
}

/** The shopper's cart as the server holds it, as {sku: quantity}. */
/** @param {string} url @param {string} sub @returns {Promise<Record<string, number>>} */
export async function serverQuantities(url, sub) {
  const r = await call(url, 'GET', '/api/cart', undefined, shopperJwt(sub));
  if (r.status !== 200) throw new Error(`GET /api/cart → ${r.status} ${JSON.stringify(r.json)}`);
  return Object.fromEntries(r.json.items.map((/** @type {{sku: string, quantity: number}} */ l) => [l.sku, l.quantity]));
}
