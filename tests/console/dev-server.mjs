// A tiny development server for the console: serves console/ at /console/ and proxies
// everything else (/api, /health, /metrics, /webhooks) to a running bitacora, so the page can be
// tried before the binary embeds it.
//
//   node tests/console/dev-server.mjs --upstream http://127.0.0.1:8080 [--port 8081]
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const consoleDir = path.resolve(here, '../../console');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.json': 'application/json',
};

async function serveStatic(req, res) {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/console\/?/, '') || 'index.html';
  const file = path.resolve(consoleDir, rel);
  if (!file.startsWith(consoleDir + path.sep)) return send(res, 404, { error: 'not_found', message: 'no such file' });
  try {
    const body = await fs.readFile(file);
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(body);
  } catch {
    send(res, 404, { error: 'not_found', message: `no file ${rel}` });
  }
}

export function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function proxy(upstream, req, res, body) {
  const headers = { ...req.headers };
  delete headers.host;
  delete headers.connection;
  delete headers['content-length'];
  try {
    const r = await fetch(upstream + req.url, { method: req.method, headers, body: ['GET', 'HEAD'].includes(req.method) ? undefined : body });
    const out = Buffer.from(await r.arrayBuffer());
    const h = {};
    r.headers.forEach((v, k) => { if (!['content-encoding', 'transfer-encoding', 'connection', 'content-length'].includes(k)) h[k] = v; });
    res.writeHead(r.status, h);
    res.end(out);
  } catch (e) {
    send(res, 502, { error: 'bad_gateway', message: `dev server could not reach ${upstream}: ${e.message}` });
  }
}

export async function startDevServer({ upstream, port = 0 }) {
  const server = http.createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url, 'http://x');
      if (pathname === '/' ) { res.writeHead(302, { Location: '/console/' }); return res.end(); }
      if (pathname === '/console' || pathname.startsWith('/console/')) return serveStatic(req, res);
      const body = await readBody(req);
      await proxy(upstream, req, res, body);
    } catch (e) {
      send(res, 500, { error: 'dev_server_error', message: String(e?.stack || e) });
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : def;
  };
  const s = await startDevServer({
    upstream: arg('upstream', 'http://127.0.0.1:8080'),
    port: Number(arg('port', '8081')),
  });
  console.log(`console at ${s.url}/console/ (proxying to ${arg('upstream', 'http://127.0.0.1:8080')})`);
}
