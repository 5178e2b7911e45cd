// The contract test's scenario: every operation of docs/openapi.yaml called at least once, its
// successes and the errors a client can reach, in an order that builds what later steps need.
// Each step is checked by `call` (contract.test.mjs) against the document; `expectThat` adds the
// conventions a schema cannot say.
import { isDeepStrictEqual } from 'node:util';

import {
  ADMIN_TOKEN, CORS_ORIGIN, mercadoPagoSignature, request, schemaCompiler, shopperJwt, standardHeaders, strictDocument,
  stripeSignature, wompiBody, ajvErrors,
} from './lib.mjs';

export async function scenario({ call, step, expectThat, fail, count, doc, strict, operations, port, conventionsConfig, waitWebhook, waitOrder }) {

  const run = Date.now().toString(36);
  const SKU = 'sku-1';
  const SKU_LOW = 'sku-low';
  const bob = shopperJwt(`bob-${run}`);
  const carol = shopperJwt(`carol-${run}`);
  const dave = shopperJwt(`dave-${run}`);
  const erin = shopperJwt(`erin-${run}`);
  const frank = shopperJwt(`frank-${run}`);
  const gina = shopperJwt(`gina-${run}`);
  const stranger = shopperJwt(`stranger-${run}`);
  const origin = { Origin: CORS_ORIGIN };
  let productAnswer = null;

  await step('openapi.json', async () => {
    const r = await call('GET /openapi.json', { token: null, expect: [200] });
    // A status other than 200 is already reported by call().
    if (r.status === 200) expectThat(isDeepStrictEqual(r.json, doc), 'GET /openapi.json', 'the served document differs from docs/openapi.yaml (parsed)');
  });

  await step('operations', async () => {
    const anon = await call('GET /health', { token: null, expect: [200] });
    expectThat(anon.json?.storage?.dir === null, 'GET /health', 'storage.dir must be null without an operator token');
    const admin = await call('GET /health', { expect: [200] });
    expectThat(admin.json?.storage?.dir === null, 'GET /health', 'storage.dir must be null for an operator too');
    await call('GET /metrics', { token: null, expect: [200] });
    await call('GET /livez', { token: null, expect: [200] });
    await call('GET /readyz', { token: null, expect: [200] });
    await call('GET /console/', { token: null, expect: [200] });
    await call('GET /console', { token: null, expect: [200] });
    await call('GET /console/{file}', { token: null, params: { file: 'app.js' }, expect: [200] });
    await call('GET /console/{file}', { token: null, params: { file: 'style.css' }, expect: [200] });
    await call('GET /console/{file}', { token: null, params: { file: 'no-such-file.js' }, expect: [404] });
    await call('GET /demo/', { token: null, expect: [conventionsConfig ? 200 : 404] });
    await call('GET /demo', { token: null, expect: [conventionsConfig ? 301 : 404] });
    await call('GET /demo/{file}', { token: null, params: { file: 'index.html' }, expect: [conventionsConfig ? 200 : 404] });
    await call('GET /demo/{file}', { token: null, params: { file: 'no-such-file.js' }, expect: [404] });
    await call('GET /api/operators/me', { token: 'alice', expect: [200] }).then((r) =>
      expectThat(r.json?.operator === 'alice', 'GET /api/operators/me', `alice's token names ${JSON.stringify(r.json)}`));
    await call('GET /api/operators/me', { token: null, expect: [401] });
    await call('GET /api/operators/me', { token: 'not-a-token', expect: [401] });
  });

  // ------------------------------------------------ catalog
  await step('catalog', async () => {
    const put = (sku, body, opts = {}) => call('PUT /api/products/{sku}', { params: { sku }, body, ...opts });
    const def = { name: 'Café de Huila 500 g', price_in_cents: 2500, currency: 'COP', stock: 50 };
    const key = `put-${run}`;
    const first = await put(SKU, def, { token: 'alice', headers: { 'Idempotency-Key': key }, expect: [200] });
    const replay = await put(SKU, def, { token: 'alice', headers: { 'Idempotency-Key': key }, expect: [200] });
    expectThat(replay.headers['idempotent-replayed'] === 'true', 'PUT /api/products/{sku}', 'a repeated Idempotency-Key must answer Idempotent-Replayed: true');
    expectThat(first.headers.etag !== undefined, 'PUT /api/products/{sku}', 'a product answer must carry ETag');
    const reused = await put(SKU, { ...def, stock: 51 }, { token: 'alice', headers: { 'Idempotency-Key': key }, expect: [422] });
    expectThat(reused.json?.error === 'idempotency_key_reused', 'PUT /api/products/{sku}', `same key, other body → ${reused.status} ${reused.text.slice(0, 120)}`);
    const badKey = await put(SKU, def, { headers: { 'Idempotency-Key': 'has a space' }, expect: [400] });
    expectThat(badKey.json?.field === 'Idempotency-Key', 'PUT /api/products/{sku}', `a malformed key → ${badKey.status} ${badKey.text.slice(0, 120)}`);
    await put(SKU_LOW, { name: 'Last one', price_in_cents: 1000, currency: 'COP', stock: 1, note: 'contract test' }, { expect: [200] });
    await put('sku-na', { name: 'Needs attention', price_in_cents: 1500, currency: 'COP', stock: 10 }, { expect: [200] });
    await put(SKU, { name: 'x' }, { expect: [400] }).then((r) =>
      expectThat(r.json?.field === 'price_in_cents', 'PUT /api/products/{sku}', `a missing member must be named in field: ${r.text.slice(0, 120)}`));
    await put(SKU, 'not json', { expect: [400] });
    await put(SKU, { ...def, price_in_cents: -1 }, { expect: [422] });
    await put(SKU, { ...def, stock: -1 }, { expect: [422] });
    await put('bad%20sku', def, { expect: [400] });
    await put(SKU, def, { token: null, expect: [401] });
    const stale = await put(SKU, def, { headers: { 'If-Match': '"999"' }, expect: [412] });
    expectThat(stale.json?.product?.sku === SKU, 'PUT /api/products/{sku}', `If-Match mismatch must answer 412 with the product: ${stale.status}`);

    const stock = (sku, body, opts = {}) => call('POST /api/products/{sku}/stock', { params: { sku }, body, ...opts });
    await stock(SKU, { delta: 5, reason: 'restock', note: 'contract' }, { token: 'alice', expect: [200] });
    await stock(SKU, { delta: -10000 }, { expect: [409] });
    await stock('no-such-sku', { delta: 1 }, { expect: [404] });
    await stock(SKU, { delta: 'x' }, { expect: [400] });
    await stock(SKU, { delta: 1 }, { token: null, expect: [401] });
    await stock(SKU, { delta: 1 }, { headers: { 'If-Match': '"999"' }, expect: [412] });
    await stock(SKU, { delta: 1 }, { headers: { 'Idempotency-Key': `stock-${run}` }, expect: [200] });
    await stock(SKU, { delta: 2 }, { headers: { 'Idempotency-Key': `stock-${run}` }, expect: [422] });

    const get = (sku, opts = {}) => call('GET /api/products/{sku}', { params: { sku }, ...opts });
    const pub = await get(SKU, { token: null, headers: origin, expect: [200] });
    productAnswer = pub.json;
    expectThat(/^"\d+"$/.test(pub.headers.etag ?? ''), 'GET /api/products/{sku}', `ETag must be "N", got ${pub.headers.etag}`);
    if (conventionsConfig) {
      expectThat(pub.headers['access-control-allow-origin'] === CORS_ORIGIN, 'GET /api/products/{sku}', 'a CORS answer must carry Access-Control-Allow-Origin');
      expectThat(/etag/i.test(pub.headers['access-control-expose-headers'] ?? ''), 'GET /api/products/{sku}', 'a CORS answer must expose ETag');
    }
    if (pub.headers.etag) await get(SKU, { token: null, headers: { 'If-None-Match': pub.headers.etag }, expect: [304] });
    await get(SKU, { token: 'alice', expect: [200] }).then((r) =>
      expectThat(Array.isArray(r.json?.reservations), 'GET /api/products/{sku}', 'an operator sees reservations'));
    await get('never-defined', { token: null, expect: [404] });
    await get('bad%20sku', { token: null, expect: [400] });

    await call('GET /api/products', { token: null, query: { limit: 2 }, expect: [200] }).then(async (r) => {
      if (r.json?.next_cursor) await call('GET /api/products', { token: null, query: { limit: 2, cursor: r.json.next_cursor }, expect: [200] });
    });
    await call('GET /api/products', { token: 'alice', expect: [200] });
    await call('GET /api/products', { token: null, query: { limit: 0 }, expect: [400] }).then((r) =>
      expectThat(r.json?.field === 'limit', 'GET /api/products', `invalid_parameter must name field "limit": ${r.text.slice(0, 120)}`));
  });

  // ------------------------------------------------ coupons, delivery zones
  await step('coupons and zones', async () => {
    const putCoupon = (code, body, opts = {}) => call('PUT /api/coupons/{code}', { params: { code }, body, ...opts });
    await putCoupon('spring10', { kind: 'percent', value: 10, valid_until: '2099-01-01T00:00:00Z', max_uses: 100 }, { expect: [200] })
      .then((r) => expectThat(r.json?.code === 'SPRING10', 'PUT /api/coupons/{code}', 'codes are stored upper-case'));
    await putCoupon('FIXED5', { kind: 'fixed', value: 500, currency: 'COP', skus: [SKU], min_subtotal_in_cents: 1000, active: true },
      { headers: { 'Idempotency-Key': `coupon-${run}` }, expect: [200] });
    await putCoupon('BIG', { kind: 'fixed', value: 100, currency: 'COP', min_subtotal_in_cents: 100000000 }, { expect: [200] });
    await putCoupon('X', { kind: 'bogus', value: 1 }, { expect: [422] }).then((r) =>
      expectThat(r.json?.field === 'kind', 'PUT /api/coupons/{code}', 'invalid_argument names the field'));
    await putCoupon('X', { kind: 'percent' }, { expect: [400] });
    await putCoupon('bad%20code', { kind: 'percent', value: 1 }, { expect: [400] });
    await putCoupon('X', { kind: 'percent', value: 1 }, { token: null, expect: [401] });
    await putCoupon('FIXED5', { kind: 'percent', value: 1 }, { headers: { 'Idempotency-Key': `coupon-${run}` }, expect: [422] });

    const getCoupon = (code, opts = {}) => call('GET /api/coupons/{code}', { params: { code }, ...opts });
    await getCoupon('SPRING10', { expect: [200] });
    await getCoupon('FIXED5', { token: 'alice', expect: [200] });
    await getCoupon('NOPE', { expect: [404] });
    await getCoupon('bad%20code', { expect: [400] });
    await getCoupon('SPRING10', { token: null, expect: [401] });

    const putZone = (zone, body, opts = {}) => call('PUT /api/delivery/zones/{zone}', { params: { zone }, body, ...opts });
    await putZone('north', { currency: 'COP', base_in_cents: 2000, per_km_in_cents: 300, free_over_in_cents: null, max_km: 15 }, { expect: [200] });
    await putZone('far', { currency: 'COP', base_in_cents: 0, per_km_in_cents: 100, free_over_in_cents: 1000000 },
      { headers: { 'Idempotency-Key': `zone-${run}` }, expect: [200] });
    await putZone('far', { currency: 'COP', base_in_cents: 1, per_km_in_cents: 100 }, { headers: { 'Idempotency-Key': `zone-${run}` }, expect: [422] });
    await putZone('north', { currency: 'COP', base_in_cents: 'x', per_km_in_cents: 1 }, { expect: [400] });
    await putZone('north', { currency: 'COP', base_in_cents: -1, per_km_in_cents: 1 }, { expect: [422] });
    await putZone('bad%20zone', { currency: 'COP', base_in_cents: 1, per_km_in_cents: 1 }, { expect: [400] });
    await putZone('north', { currency: 'COP', base_in_cents: 1, per_km_in_cents: 1 }, { token: null, expect: [401] });
    await call('GET /api/delivery/zones', { expect: [200] });
    await call('GET /api/delivery/zones', { token: 'not-a-token', expect: [401] });
  });

  // ------------------------------------------------ cart
  await step('cart', async () => {
    await call('GET /api/cart', { token: null, expect: [401] });
    const empty = await call('GET /api/cart', { token: bob, headers: origin, expect: [200] });
    if (conventionsConfig)
      expectThat(empty.headers['access-control-allow-origin'] === CORS_ORIGIN, 'GET /api/cart', 'a shopper answer to an allowed Origin must carry Access-Control-Allow-Origin');
    if (empty.headers.etag) await call('GET /api/cart', { token: bob, headers: { 'If-None-Match': empty.headers.etag }, expect: [304] });

    const items = (body, opts = {}) => call('POST /api/cart/items', { token: bob, body, ...opts });
    const k = `items-${run}`;
    const added = await items({ sku: SKU, quantity: 2 }, { headers: { 'Idempotency-Key': k }, expect: [200] });
    const again = await items({ sku: SKU, quantity: 2 }, { headers: { 'Idempotency-Key': k }, expect: [200] });
    expectThat(again.headers['idempotent-replayed'] === 'true' && again.json?.version === added.json?.version,
      'POST /api/cart/items', `a replay must return the first answer with Idempotent-Replayed: true (versions ${added.json?.version}, ${again.json?.version})`);
    await items({ sku: SKU, quantity: 3 }, { headers: { 'Idempotency-Key': k }, expect: [422] });
    await items({ sku: 'no-such-sku', quantity: 1 }, { expect: [422] });
    await items({ sku: SKU, quantity: 100000 }, { expect: [422] });
    await items({ sku: SKU, quantity: -100 }, { expect: [422] });
    await items({ sku: SKU }, { expect: [400] });
    await items({ sku: SKU, quantity: 1 }, { headers: { 'If-Match': '"999"' }, expect: [412] }).then((r) =>
      expectThat(r.json?.cart !== undefined, 'POST /api/cart/items', 'a 412 carries the current cart'));
    await items({ sku: SKU, quantity: 1 }, { token: null, expect: [401] });

    const bulk = (body, opts = {}) => call('POST /api/cart/bulk-update', { token: bob, body, ...opts });
    const cur = await call('GET /api/cart', { token: bob, expect: [200] });
    const v = cur.json?.version ?? 0;
    await bulk({ [SKU]: 3 }, { headers: { 'If-Match': `"${v}"` }, expect: [200] });
    await bulk({ [SKU]: 4 }, { headers: { 'If-Match': `"${v}"` }, expect: [409] });
    await bulk({ [SKU]: 'x' }, { expect: [400] });
    await bulk({ 'no-such-sku': 1 }, { expect: [422] });
    await bulk({ [SKU]: 1 }, { token: null, expect: [401] });

    const coupon = (body, opts = {}) => call('POST /api/cart/coupon', { token: bob, body, ...opts });
    await coupon({ code: 'spring10' }, { expect: [200] });
    await coupon({ code: 'NOPE' }, { expect: [422] });
    await coupon({ code: 'BIG' }, { expect: [422] }).then((r) =>
      expectThat(r.json?.reason === 'min_subtotal', 'POST /api/cart/coupon', `reason must be min_subtotal: ${r.text.slice(0, 120)}`));
    await coupon({}, { expect: [400] });
    await coupon({ code: 'SPRING10' }, { headers: { 'If-Match': '"999"' }, expect: [412] });
    await coupon({ code: 'SPRING10' }, { token: null, expect: [401] });
    await call('GET /api/cart', { token: bob, expect: [200] });

    const quote = (body, opts = {}) => call('POST /api/cart/quote', { token: bob, body, ...opts });
    await quote(undefined, { expect: [200] });
    await quote({ delivery: { zone: 'north', distance_km: 4.2 } }, { headers: origin, expect: [200] });
    await quote({ delivery: { zone: 'nowhere', distance_km: 1 } }, { expect: [422] });
    await quote({ delivery: { zone: 'north', distance_km: 99 } }, { expect: [422] });
    await quote({ delivery: 5 }, { expect: [400] });
    await quote({}, { token: stranger, expect: [422] });
    await quote({}, { token: null, expect: [401] });

    const uncoupon = (opts = {}) => call('DELETE /api/cart/coupon', { token: bob, ...opts });
    await uncoupon({ headers: { 'If-Match': '"999"' }, expect: [412] });
    await uncoupon({ headers: { 'Idempotency-Key': `uncoupon-${run}` }, expect: [200] });
    await uncoupon({ expect: [200] });
    await uncoupon({ token: null, expect: [401] });

    const clear = (opts = {}) => call('DELETE /api/cart', { token: frank, ...opts });
    await call('POST /api/cart/items', { token: frank, body: { sku: SKU, quantity: 1 }, expect: [200] });
    await clear({ headers: { 'If-Match': '"999"' }, expect: [412] });
    await clear({ headers: { 'Idempotency-Key': `clear-${run}` }, expect: [200] });
    await clear({ headers: { 'Idempotency-Key': `clear-${run}` }, expect: [200] });
    await clear({ token: null, expect: [401] });
  });

  // ------------------------------------------------ CORS preflights
  await step('cors', async () => {
    const preflights = operations.filter((o) => o.method === 'OPTIONS');
    for (const o of preflights) {
      const params = { sku: SKU, reference: 'ORD-NONE' };
      const where = `OPTIONS ${o.template}`;
      const r = await call(where, {
        token: null, params,
        headers: { ...origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type, idempotency-key' },
        expect: [204],
      });
      if (r.status !== 204) continue;
      expectThat(r.headers['access-control-allow-origin'] === CORS_ORIGIN, where, `Access-Control-Allow-Origin must be ${CORS_ORIGIN}, got ${r.headers['access-control-allow-origin']}`);
      expectThat(/idempotency-key/i.test(r.headers['access-control-allow-headers'] ?? '') && /if-match/i.test(r.headers['access-control-allow-headers'] ?? ''),
        where, `Access-Control-Allow-Headers: ${r.headers['access-control-allow-headers']}`);
      expectThat(r.headers['access-control-max-age'] === '600', where, `Access-Control-Max-Age: ${r.headers['access-control-max-age']}`);
      expectThat((r.headers['access-control-allow-methods'] ?? '').length > 0, where, 'Access-Control-Allow-Methods is missing');
    }
    const foreign = await call('OPTIONS /api/cart', { token: null, headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' }, expect: [204] });
    expectThat(foreign.headers['access-control-allow-origin'] === undefined, 'OPTIONS /api/cart', 'an origin not listed gets no Access-Control-Allow-Origin');
    const opPreflight = await request(port, 'OPTIONS', '/api/webhook-events', { ...origin, 'Access-Control-Request-Method': 'GET' });
    expectThat(opPreflight.status >= 400 && opPreflight.headers['access-control-allow-origin'] === undefined, 'OPTIONS /api/webhook-events',
      `operator routes answer no preflight (got ${opPreflight.status})`);
    const op = await request(port, 'GET', '/api/webhook-events', { ...origin, Authorization: `Bearer ${ADMIN_TOKEN}` });
    expectThat(op.headers['access-control-allow-origin'] === undefined, 'GET /api/webhook-events', 'operator routes are never CORS-enabled');
  });

  // ------------------------------------------------ checkout and orders
  const orders = {};
  await step('checkout', async () => {
    await call('POST /api/cart/bulk-update', { token: carol, body: { [SKU]: 2 }, expect: [200] });
    await call('POST /api/cart/coupon', { token: carol, body: { code: 'SPRING10' }, expect: [200] });
    const key = `checkout-${run}`;
    const body = { gateway: 'wompi', delivery: { zone: 'north', distance_km: 4.2 } };
    const first = await call('POST /api/checkout', { token: carol, body, headers: { 'Idempotency-Key': key, ...origin }, expect: [201] });
    orders.carol = first.json;
    const again = await call('POST /api/checkout', { token: carol, body, headers: { 'Idempotency-Key': key }, expect: [201] });
    expectThat(again.json?.reference === first.json?.reference, 'POST /api/checkout', 'the same Idempotency-Key returns the same order');
    expectThat(again.headers['idempotent-replayed'] === 'true', 'POST /api/checkout', 'a repeated Idempotency-Key must answer Idempotent-Replayed: true');
    await call('POST /api/checkout', { token: carol, body: { gateway: 'stripe' }, headers: { 'Idempotency-Key': key }, expect: [422] });
    await call('POST /api/checkout', { token: carol, body: { gateway: 'wompi' }, headers: { 'Idempotency-Key': 'bad key' }, expect: [400] });

    await call('POST /api/checkout', { token: carol, body: { gateway: 'paypal' }, expect: [422] });
    await call('POST /api/checkout', { token: carol, body: {}, expect: [400] });
    await call('POST /api/checkout', { token: stranger, body: { gateway: 'wompi' }, expect: [422] });
    await call('POST /api/checkout', { token: carol, body: { gateway: 'wompi', delivery: { zone: 'nowhere', distance_km: 1 } }, expect: [422] });
    await call('POST /api/checkout', { token: null, body: { gateway: 'wompi' }, expect: [401] });

    // Two shoppers want the last unit: the second checkout is refused with every short line.
    await call('POST /api/cart/items', { token: dave, body: { sku: SKU_LOW, quantity: 1 }, expect: [200] });
    await call('POST /api/cart/items', { token: erin, body: { sku: SKU_LOW, quantity: 1 }, expect: [200] });
    orders.dave = (await call('POST /api/checkout', { token: dave, body: { gateway: 'mercadopago' }, expect: [201] })).json;
    await call('POST /api/checkout', { token: erin, body: { gateway: 'stripe' }, expect: [409] });

    await call('POST /api/cart/bulk-update', { token: erin, body: { [SKU_LOW]: 0, [SKU]: 1 }, expect: [200] });
    orders.erin = (await call('POST /api/checkout', { token: erin, body: { gateway: 'wompi' }, expect: [201] })).json;
    await call('POST /api/cart/items', { token: gina, body: { sku: 'sku-na', quantity: 2 }, expect: [200] });
    orders.gina = (await call('POST /api/checkout', { token: gina, body: { gateway: 'wompi', delivery: null }, expect: [201] })).json;
  });

  const webhooks = {};
  await step('webhooks', async () => {
    const post = (key, body, opts = {}) => call(key, { token: null, body, ...opts });
    // erin pays the right amount → paid; gina pays a wrong amount → needs_attention.
    const paid = await post('POST /webhooks/wompi', wompiBody({ txId: `tx-erin-${run}`, amount: orders.erin.amount_in_cents, reference: orders.erin.reference }), { expect: [200] });
    webhooks.paid = paid.json?.event_id;
    await post('POST /webhooks/wompi', wompiBody({ txId: `tx-gina-${run}`, amount: 1, reference: orders.gina.reference }), { expect: [200] });
    const unknown = await post('POST /webhooks/wompi', wompiBody({ txId: `tx-none-${run}`, amount: 100, reference: 'ORD-NO-SUCH' }), { expect: [200] });
    webhooks.failing = unknown.json?.event_id;
    const dupBody = wompiBody({ txId: `tx-dup-${run}`, status: 'PENDING', amount: 100, reference: 'ORD-DUP' });
    await post('POST /webhooks/wompi', dupBody, { expect: [200] });
    await post('POST /webhooks/wompi', dupBody, { expect: [200] }).then((r) =>
      expectThat(r.json?.status === 'already_received', 'POST /webhooks/wompi', 'a repeat is already_received'));
    await post('POST /webhooks/wompi', wompiBody({ txId: 'tx-bad', amount: 1, reference: 'ORD-X', secret: 'wrong' }), { expect: [401] });
    await post('POST /webhooks/wompi', 'not json', { expect: [400] });

    const mp = (key, id, reqId, opts = {}) => post(key, JSON.stringify({ action: 'payment.updated', type: 'payment', data: { id } }), {
      query: { 'data.id': id, type: 'payment' },
      headers: { 'x-signature': mercadoPagoSignature(id, reqId), 'x-request-id': reqId, ...(opts.headers ?? {}) }, ...opts,
    });
    await mp('POST /webhooks/mercadopago', '1234567', `req-a-${run}`, { expect: [200] });
    await mp('POST /webhooks/mp', '1234568', `req-b-${run}`, { expect: [200] });
    await post('POST /webhooks/mercadopago', '{}', { query: { 'data.id': '1' }, headers: { 'x-signature': 'ts=1,v1=00', 'x-request-id': 'r' }, expect: [401] });
    await post('POST /webhooks/mp', '{}', { query: { topic: 'payment', id: '1' }, expect: [401] });

    const stripeBody = JSON.stringify({ id: `evt_${run}`, type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', metadata: {} } } });
    await post('POST /webhooks/stripe', stripeBody, { headers: { 'Stripe-Signature': stripeSignature(stripeBody) }, expect: [200] });
    await post('POST /webhooks/stripe', stripeBody, { headers: { 'Stripe-Signature': 't=1,v1=00' }, expect: [401] });
    const noId = JSON.stringify({ type: 'x' });
    await post('POST /webhooks/stripe', noId, { headers: { 'Stripe-Signature': stripeSignature(noId) }, expect: [400] });

    const std = JSON.stringify({ type: 'invoice.paid', data: { n: 1 } });
    await post('POST /webhooks/standard/{source}', std, { params: { source: 'acme' }, headers: standardHeaders(`msg_${run}`, std), expect: [200] });
    await post('POST /webhooks/standard/{source}', std, { params: { source: 'acme' }, headers: { ...standardHeaders(`msg2_${run}`, std), 'webhook-signature': 'v1,AAAA' }, expect: [401] });
    await post('POST /webhooks/standard/{source}', std, { params: { source: 'other' }, headers: standardHeaders(`msg3_${run}`, std), expect: [404] });
    await post('POST /webhooks/{gateway}', '{}', { params: { gateway: 'paypal' }, expect: [404] });

    webhooks.settledPaid = await waitWebhook(webhooks.paid);
    webhooks.settledFailing = await waitWebhook(webhooks.failing, ['failed']);
    orders.erin = await waitOrder(orders.erin.reference, ['paid']);
    orders.gina = await waitOrder(orders.gina.reference, ['needs_attention']);
  });

  await step('webhook events', async () => {
    const list = (query, opts = {}) => call('GET /api/webhook-events', { query, ...opts });
    const all = await list({ limit: 3 }, { expect: [200] });
    if (all.json?.next_cursor) await list({ limit: 3, cursor: all.json.next_cursor }, { expect: [200] });
    await list({ status: 'quarantined' }, { token: 'alice', expect: [200] });
    await list({ status: 'failed', gateway: 'wompi', from: '2020-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z' }, { expect: [200] });
    await list({ status: 'bogus' }, { expect: [400] }).then((r) =>
      expectThat(r.json?.field === 'status', 'GET /api/webhook-events', `invalid_parameter must name field "status": ${r.text.slice(0, 120)}`));
    await list({ from: 'yesterday' }, { expect: [400] });
    await list({}, { token: null, expect: [401] });

    await call('GET /api/webhook-events/counts', { expect: [200] });
    await call('GET /api/webhook-events/counts', { token: null, expect: [401] });

    const detail = (id, opts = {}) => call('GET /api/webhook-events/{id}', { params: { id }, ...opts });
    await detail(webhooks.paid, { expect: [200] });
    const q = (await request(port, 'GET', '/api/webhook-events?status=quarantined&limit=1', { Authorization: `Bearer ${ADMIN_TOKEN}` }));
    const qid = JSON.parse(q.text).items?.[0]?.id;
    if (qid) await detail(qid, { expect: [200] });
    else fail('scenario', 'GET /api/webhook-events?status=quarantined', 'no quarantined request was listed');
    await detail('wh_999999', { expect: [404] });
    await detail(webhooks.paid, { token: null, expect: [401] });

    const retry = (id, body, opts = {}) => call('POST /api/webhook-events/{id}/retry', { params: { id }, body, ...opts });
    await retry(webhooks.failing, { note: 'contract retry' }, { token: 'alice', headers: { 'Idempotency-Key': `retry-${run}` }, expect: [202] });
    // Keys are scoped by caller: the same operator, the same key, another body.
    await retry(webhooks.failing, { note: 'other note' }, { token: 'alice', headers: { 'Idempotency-Key': `retry-${run}` }, expect: [422] });
    await retry(webhooks.paid, undefined, { expect: [409] });
    await retry('wh_999999', undefined, { expect: [404] });
    await retry(webhooks.failing, { note: 5 }, { expect: [400] });
    await retry(webhooks.failing, undefined, { token: null, expect: [401] });
    await waitWebhook(webhooks.failing, ['failed']);

    const bulk = (body, opts = {}) => call('POST /api/webhook-events/retry', { body, ...opts });
    await bulk({ ids: [webhooks.failing, 'wh_999999'], note: 'bulk' }, { expect: [202] });
    await waitWebhook(webhooks.failing, ['failed']);
    await bulk({ gateway: 'wompi', from: '2020-01-01T00:00:00Z' }, { headers: { 'Idempotency-Key': `bulk-${run}` }, expect: [202] });
    await bulk({ gateway: 'stripe' }, { headers: { 'Idempotency-Key': `bulk-${run}` }, expect: [422] });
    await bulk({ status: 'pending' }, { expect: [422] }).then((r) =>
      expectThat(r.json?.field === 'status', 'POST /api/webhook-events/retry', 'invalid_argument names the field'));
    await bulk({ to: 'tomorrow' }, { expect: [422] });
    await bulk({ ids: 5 }, { expect: [400] });
    await bulk({}, { token: null, expect: [401] });
  });

  await step('orders', async () => {
    const get = (reference, opts = {}) => call('GET /api/orders/{reference}', { params: { reference }, ...opts });
    const mine = await get(orders.carol.reference, { token: carol, headers: origin, expect: [200] });
    expectThat(/^"\d+"$/.test(mine.headers.etag ?? ''), 'GET /api/orders/{reference}', `ETag must be "N", got ${mine.headers.etag}`);
    if (mine.headers.etag) await get(orders.carol.reference, { token: carol, headers: { 'If-None-Match': mine.headers.etag }, expect: [304] });
    await get(orders.carol.reference, { token: 'alice', expect: [200] });
    await get(orders.erin.reference, { expect: [200] });
    await get(orders.carol.reference, { token: stranger, expect: [404] });
    await get('ORD-NO-SUCH', { expect: [404] });
    await get(orders.carol.reference, { token: null, expect: [401] });
    await get(orders.carol.reference, { token: shopperJwt(`carol-${run}`, { nbf: Math.floor(Date.now() / 1000) + 3600 }), expect: [401] });
    if (conventionsConfig) {
      await get(orders.carol.reference, { token: shopperJwt(`carol-${run}`, { iss: 'https://evil.example' }), expect: [401] });
      await get(orders.carol.reference, { token: shopperJwt(`carol-${run}`, { aud: 'someone-else' }), expect: [401] });
    }
    await get(orders.carol.reference, { token: shopperJwt(`carol-${run}`, { exp: 1000 }), expect: [401] });
    await get(orders.carol.reference, { token: shopperJwt(`carol-${run}`, {}, { alg: 'HS512' }), expect: [401] });

    const cancel = (reference, body, opts = {}) => call('POST /api/orders/{reference}/cancel', { params: { reference }, body, ...opts });
    await cancel(orders.carol.reference, undefined, { token: carol, headers: { 'If-Match': '"999"' }, expect: [412] });
    await cancel(orders.carol.reference, undefined, { token: stranger, expect: [404] });
    await cancel(orders.carol.reference, undefined, { token: carol, headers: { 'Idempotency-Key': `cancel-${run}`, ...origin }, expect: [200] });
    await cancel(orders.carol.reference, undefined, { token: carol, expect: [200] });
    await cancel(orders.dave.reference, { note: 'operator cancels' }, { token: 'alice', expect: [200] });
    await cancel(orders.erin.reference, undefined, { token: erin, expect: [409] });
    await cancel('ORD-NO-SUCH', undefined, { expect: [404] });
    await cancel(orders.dave.reference, { note: 5 }, { expect: [400] });
    await cancel(orders.carol.reference, undefined, { token: null, expect: [401] });

    const resolve = (reference, body, opts = {}) => call('POST /api/orders/{reference}/resolve', { params: { reference }, body, ...opts });
    // On a paid order, so that a server ignoring If-Match changes nothing (409 instead of 412).
    await resolve(orders.erin.reference, { action: 'mark_paid' }, { headers: { 'If-Match': '"999"' }, expect: [412] });
    await resolve(orders.gina.reference, { action: 'refund' }, { expect: [422] });
    await resolve(orders.gina.reference, {}, { expect: [400] });
    await resolve(orders.gina.reference, { action: 'mark_paid', note: 'checked with the bank' }, { token: 'alice', headers: { 'Idempotency-Key': `resolve-${run}` }, expect: [200] });
    await resolve(orders.gina.reference, { action: 'mark_paid', note: 'checked with the bank' }, { token: 'alice', headers: { 'Idempotency-Key': `resolve-${run}` }, expect: [200] });
    await resolve(orders.gina.reference, { action: 'cancel' }, { expect: [409] });
    await resolve('ORD-NO-SUCH', { action: 'cancel' }, { expect: [404] });
    await resolve(orders.gina.reference, { action: 'cancel' }, { token: null, expect: [401] });

    const list = (query, opts = {}) => call('GET /api/orders', { query, ...opts });
    const page = await list({ limit: 2 }, { expect: [200] });
    if (page.json?.next_cursor) await list({ limit: 2, cursor: page.json.next_cursor }, { expect: [200] });
    await list({ status: 'paid', from: '2020-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z' }, { token: 'alice', expect: [200] });
    await list({ limit: 0 }, { expect: [400] }).then((r) =>
      expectThat(r.json?.field === 'limit', 'GET /api/orders', `invalid_parameter must name field "limit": ${r.text.slice(0, 120)}`));
    await list({ status: 'bogus' }, { expect: [400] });
    await list({}, { token: null, expect: [401] });
  });

  await step('statistics, timers, streams', async () => {
    const stats = (query, opts = {}) => call('GET /api/stats/checkouts', { query, ...opts });
    await stats({ from: '2020-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z' }, { expect: [200] });
    await stats({ from: '2020-01-01T00:00:00Z' }, { expect: [400] }).then((r) =>
      expectThat(r.json?.field === 'to', 'GET /api/stats/checkouts', `invalid_parameter must name field "to": ${r.text.slice(0, 120)}`));
    await stats({ from: '2020-01-01T00:00:00Z', to: '2019-01-01T00:00:00Z' }, { expect: [400] });
    await stats({ from: '2020-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z' }, { token: null, expect: [401] });

    await call('GET /api/scheduler', { query: { limit: 5 }, expect: [200] });
    await call('GET /api/scheduler', { query: { limit: 0 }, expect: [400] });
    await call('GET /api/scheduler', { token: null, expect: [401] });

    const feed = await call('GET /api/events', { query: { limit: 50 }, expect: [200] });
    expectThat(feed.json?.data?.some((n) => n.type === 'order.paid'), 'GET /api/events', 'the paid order must be in the feed as order.paid');
    await call('GET /api/events', { query: { types: 'order.paid,order.needs_attention', after: 0 }, expect: [200] });
    await call('GET /api/events', { query: { after: feed.json?.next_after ?? 0, wait: 1 }, expect: [200] });
    await call('GET /api/events', { query: { types: 'order.shipped' }, expect: [400] });
    await call('GET /api/events', { token: null, expect: [401] });

    const events = (stream, query, opts = {}) => call('GET /api/streams/{stream}/events', { params: { stream }, query, ...opts });
    await events(encodeURIComponent(`product/${SKU}`), { from_version: 1, limit: 2 }, { expect: [200] });
    await events(encodeURIComponent(`order/${orders.gina.reference}`), undefined, { token: 'alice', expect: [200] });
    await events(encodeURIComponent('product/never'), undefined, { expect: [200] });
    await events(encodeURIComponent(`product/${SKU}`), { limit: 0 }, { expect: [400] });
    await events(encodeURIComponent(`product/${SKU}`), undefined, { token: null, expect: [401] });

    const state = (stream, query, opts = {}) => call('GET /api/streams/{stream}/state', { params: { stream }, query, ...opts });
    await state(encodeURIComponent(`product/${SKU}`), undefined, { expect: [200] });
    await state(encodeURIComponent(`coupon/SPRING10`), { as_of: new Date().toISOString() }, { expect: [200] });
    await state(encodeURIComponent(`cart/bob-${run}`), { seq: 1000000 }, { expect: [200] });
    await state(encodeURIComponent('product/never'), undefined, { expect: [404] });
    await state(encodeURIComponent(`product/${SKU}`), { seq: 'abc' }, { expect: [400] });
    await state(encodeURIComponent(`product/${SKU}`), undefined, { token: null, expect: [401] });
  });

  // ------------------------------------------------ drift self-check: the test can fail
  await step('drift self-check', async () => {
    count();
    if (!productAnswer) {
      fail('self-check', 'Product', 'no product answer was captured');
      return;
    }
    const honest = schemaCompiler(strict)({ $ref: '#/components/schemas/Product' });
    if (!honest(productAnswer)) fail('self-check', 'Product', `the real product does not validate: ${ajvErrors(honest.errors).join('; ')}`);
    const mutated = structuredClone(doc);
    delete mutated.components.schemas.Product.properties.available;
    mutated.components.schemas.Product.required = mutated.components.schemas.Product.required.filter((p) => p !== 'available');
    const drifted = schemaCompiler(strictDocument(mutated))({ $ref: '#/components/schemas/Product' });
    if (drifted(productAnswer))
      fail('self-check', 'Product', 'a document without Product.available still accepts a real product: the test could not catch drift');
  });
}
