// DEV ONLY. Answers, in the dev server, the console routes that a bitacora binary built before
// them lacks, by composing the routes it has. It exists so the console and its browser test can
// be exercised against such a binary (CONSOLE_SHIM=1); delete it once every binary has:
//   GET  /api/operators/me              GET /api/webhook-events/counts
//   GET  /api/webhook-events?reference=&from=&to=     POST /api/webhook-events/retry {ids|filters}
//   GET  /api/products                  GET /api/products/{sku} (reservations)
//   GET  /api/scheduler                 GET /api/streams/{stream}/state?as_of=|seq=
//   GET  /api/orders?from=&to=
// It is not faithful: the state of a non-product stream is only its last event, and it cannot
// resolve an order (POST /api/orders/{ref}/resolve is passed through and 404s on old binaries).
import { send } from './dev-server.mjs';

export function makeShim({ upstream, operator }) {
  const skus = new Set();

  async function up(path, auth, { method = 'GET', body } = {}) {
    const r = await fetch(upstream + path, {
      method, headers: { Authorization: auth || '', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = { error: 'bad_json', message: text }; }
    return { status: r.status, json };
  }

  // Every page of a listing, for the few hundred items a test or a trial holds.
  async function all(path, query, auth) {
    const items = [];
    let cursor = null;
    for (let i = 0; i < 100; i++) {
      const q = new URLSearchParams({ ...query, limit: '500', ...(cursor ? { cursor } : {}) });
      const r = await up(`${path}?${q}`, auth);
      if (r.status !== 200) return { error: r };
      items.push(...r.json.items);
      cursor = r.json.next_cursor;
      if (!cursor) break;
    }
    return { items };
  }

  const inRange = (t, from, to) => (!from || t >= new Date(from).getTime()) && (!to || t < new Date(to).getTime());
  const webhookMatches = (w, q) => (!q.reference || w.order_reference === q.reference)
    && inRange(new Date(w.received_at).getTime(), q.from, q.to);

  async function streamEvents(stream, auth) {
    const r = await up(`/api/streams/${stream}/events?limit=10000`, auth);
    return r.status === 200 ? r.json.items : null;
  }

  function foldProduct(events) {
    const s = { sku: null, name: null, price_in_cents: null, currency: null, on_hand: 0, reserved: 0, available: 0, reservations: {} };
    for (const { type, data: d } of events) {
      if (type === 'ProductDefined') Object.assign(s, { sku: d.sku, name: d.name, price_in_cents: d.price_in_cents, currency: d.currency });
      if (type === 'StockAdjusted') s.on_hand += d.delta;
      if (type === 'StockReserved') { s.reserved += d.quantity; s.reservations[d.order_reference] = d.quantity; }
      if (type === 'ReservationReleased') { s.reserved -= d.quantity; delete s.reservations[d.order_reference]; }
      if (type === 'ReservationConfirmed') { s.reserved -= d.quantity; s.on_hand -= d.quantity; delete s.reservations[d.order_reference]; }
    }
    s.available = s.on_hand - s.reserved;
    return s;
  }

  async function knownSkus(auth) {
    const orders = await all('/api/orders', {}, auth);
    for (const o of orders.items || []) for (const l of o.items || []) skus.add(l.sku);
    return [...skus].sort();
  }

  return async function handle(req, res, body) {
    const u = new URL(req.url, 'http://x');
    const p = u.pathname;
    const q = Object.fromEntries(u.searchParams);
    const auth = req.headers.authorization;
    const get = req.method === 'GET';

    if (req.method === 'PUT' && p.startsWith('/api/products/')) { skus.add(decodeURIComponent(p.split('/')[3])); return false; }

    if (get && p === '/api/operators/me') {
      const r = await up('/api/webhook-events?limit=1', auth);
      if (r.status === 401) return send(res, 401, { error: 'unauthorized', message: 'bad token' }), true;
      return send(res, 200, { operator }), true;
    }

    if (get && p === '/api/webhook-events/counts') {
      const counts = {};
      for (const s of ['pending', 'processing', 'succeeded', 'failed', 'quarantined']) {
        const r = await all('/api/webhook-events', { status: s }, auth);
        if (r.error) return send(res, r.error.status, r.error.json), true;
        counts[s] = r.items.length;
      }
      return send(res, 200, counts), true;
    }

    if (get && p === '/api/webhook-events' && (q.reference || q.from || q.to)) {
      const { reference, from, to, cursor, limit, ...rest } = q;
      const r = await all('/api/webhook-events', rest, auth);
      if (r.error) return send(res, r.error.status, r.error.json), true;
      return send(res, 200, { items: r.items.filter((w) => webhookMatches(w, q)).slice(0, Number(limit || 50)), next_cursor: null }), true;
    }

    if (req.method === 'POST' && p === '/api/webhook-events/retry') {
      const b = JSON.parse(body.toString() || '{}');
      let ids = b.ids;
      if (!ids) {
        const r = await all('/api/webhook-events', { status: 'failed', ...(b.gateway ? { gateway: b.gateway } : {}), ...(b.type ? { type: b.type } : {}) }, auth);
        if (r.error) return send(res, r.error.status, r.error.json), true;
        ids = r.items.filter((w) => webhookMatches(w, b)).map((w) => w.id);
      }
      let count = 0;
      for (const id of ids) {
        const r = await up(`/api/webhook-events/${encodeURIComponent(id)}/retry`, auth, { method: 'POST', body: b.note ? { note: b.note } : {} });
        if (r.status === 202) count++;
        else if (r.status === 401) return send(res, 401, r.json), true;
      }
      return send(res, 202, { count }), true;
    }

    if (get && p === '/api/orders' && (q.from || q.to)) {
      const { from, to, cursor, limit, ...rest } = q;
      const r = await all('/api/orders', rest, auth);
      if (r.error) return send(res, r.error.status, r.error.json), true;
      return send(res, 200, { items: r.items.filter((o) => inRange(new Date(o.created_at).getTime(), from, to)), next_cursor: null }), true;
    }

    if (get && p === '/api/products') {
      const r = await up('/api/webhook-events?limit=1', auth);
      if (r.status === 401) return send(res, 401, r.json), true;
      const items = [];
      for (const sku of await knownSkus(auth)) {
        const pr = await up(`/api/products/${encodeURIComponent(sku)}`, auth);
        if (pr.status === 200) items.push(pr.json);
      }
      return send(res, 200, { items, next_cursor: null }), true;
    }

    const productMatch = get && /^\/api\/products\/([^/]+)$/.exec(p);
    if (productMatch) {
      const pr = await up(p, auth);
      if (pr.status !== 200 || pr.json.reservations) return send(res, pr.status, pr.json), true;
      const events = (await streamEvents(`product/${productMatch[1]}`, auth)) || [];
      const reservations = [];
      for (const [order, quantity] of Object.entries(foldProduct(events).reservations)) {
        const o = await up(`/api/orders/${encodeURIComponent(order)}`, auth);
        reservations.push({ order, quantity, expires_at: o.json?.status === 'pending_payment' ? o.json.expires_at : null });
      }
      return send(res, 200, { ...pr.json, reservations }), true;
    }

    if (get && p === '/api/scheduler') {
      const [w, o] = await Promise.all([all('/api/webhook-events', { status: 'pending' }, auth), all('/api/orders', { status: 'pending_payment' }, auth)]);
      if (w.error) return send(res, w.error.status, w.error.json), true;
      const retries = w.items.filter((x) => x.next_retry_at).map((x) => ({ kind: 'webhook_retry', target: x.id, due_at: x.next_retry_at }));
      const expiries = (o.items || []).map((x) => ({ kind: 'reservation_expiry', target: x.reference, due_at: x.expires_at }));
      const next = [...retries, ...expiries].sort((a, b) => a.due_at.localeCompare(b.due_at)).slice(0, Number(q.limit || 50));
      return send(res, 200, { counts: { webhook_retry: retries.length, reservation_expiry: expiries.length }, next }), true;
    }

    const stateMatch = get && /^\/api\/streams\/(.+)\/state$/.exec(p);
    if (stateMatch) {
      const stream = decodeURIComponent(stateMatch[1]);
      const events = await streamEvents(stateMatch[1], auth);
      if (!events) return send(res, 401, { error: 'unauthorized', message: 'bad token' }), true;
      const upto = events.filter((e) => (q.seq ? e.seq <= Number(q.seq) : q.as_of ? new Date(e.at) <= new Date(q.as_of) : true));
      if (!upto.length) return send(res, 404, { error: 'not_found', message: `${stream} had no event by then` }), true;
      const last = upto[upto.length - 1];
      const state = stream.startsWith('product/') ? foldProduct(upto) : { shim: 'last event only', type: last.type, data: last.data };
      return send(res, 200, { stream, seq: last.seq, version: last.version, type: last.type, at: last.at, state }), true;
    }
    return false;
  };
}
