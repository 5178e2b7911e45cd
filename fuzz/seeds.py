#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from the vectors of ../shared/spec/gateways.md, the
unit tests and the stored formats (envelopes, snapshot rows, event and state JSON as the encoders
write them). Re-run after a format changes: `python3 fuzz/seeds.py` (it rewrites the files it writes and
leaves others, such as regression_* reproducers, alone).
Inputs that split into several values are laid out the way FuzzedDataProvider reads them: strings
from the front, each ended by a backslash and one more byte; integers from the back, last byte
most significant; the rest of the front is the body."""
import base64
import hashlib
import hmac
import json
import os
import shutil
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- FuzzedDataProvider layout -------------------------------------------------------------------
def fdp_string(s):  # ConsumeRandomLengthString: '\\' doubles a backslash, '\\' + other byte ends it
    return s.encode().replace(b"\\", b"\\\\") + b"\\\n"


def fdp_int_tail(value, nbytes, lo):  # ConsumeIntegralInRange(lo, …): bytes read from the end
    raw = value - lo
    return bytes((raw >> (8 * i)) & 0xFF for i in range(nbytes))  # memory order: LSB first


def fdp_int64(value):
    return fdp_int_tail(value, 8, -(1 << 63))


def fdp_uint64(value):
    return fdp_int_tail(value, 8, 0)


# ---- §1 Wompi ------------------------------------------------------------------------------------
def wompi_body(tx, props, ts, checksum, event="transaction.updated"):
    return json.dumps({"event": event, "data": {"transaction": tx}, "environment": "test",
                       "signature": {"properties": props, "checksum": checksum}, "timestamp": ts,
                       "sent_at": "2018-07-20T16:45:05.000Z"}, separators=(",", ":"))


def wompi_checksum(values, ts, secret):
    return hashlib.sha256(("".join(values) + str(ts) + secret).encode()).hexdigest()


P3 = ["transaction.id", "transaction.status", "transaction.amount_in_cents"]
tx1 = {"id": "11128-1578502783-84081", "status": "APPROVED", "amount_in_cents": 5000, "reference": "ORD-9",
       "currency": "COP"}
write("fuzz_wompi", "spec_vector1", wompi_body(tx1, P3, 1530291411,
      "8fb1e2fa0c36f9bbe1088a4b28fb19dfc04ccdb7b8ced48438ac2bee39e503f6"))
tx2 = {"id": "12345-1700000000-11111", "status": "DECLINED", "amount_in_cents": 1500000, "reference": "ORD-001",
       "currency": "COP"}
write("fuzz_wompi", "spec_vector2", wompi_body(tx2, P3 + ["transaction.reference"], 1700000000,
      "95ee58d7db3840ac8ff124c128cf6f822d618a69fc905351efa7ece0cf2bd021"))
tx3 = {"id": "1234-1610641025-49201", "status": "APPROVED", "amount_in_cents": 4490000}
write("fuzz_wompi", "spec_vector3_upper", wompi_body(tx3, P3, 1530291411,
      "5A18EC5E8FDB7DF463E9F94774CBA8F583BA21BD04A09CEFF2EA68A4BC0AEFBE"))
tx4 = dict(tx1, status="PENDING", id=42)
write("fuzz_wompi", "pending_integer_id", wompi_body(tx4, P3, 1530291411,
      wompi_checksum(["42", "PENDING", "5000"], 1530291411, "test_events_XXXXXXXXXXXX")))
write("fuzz_wompi", "other_event", wompi_body(tx1, P3, 1, "00", event="nequi_token.updated"))
write("fuzz_wompi", "missing_property", wompi_body(tx1, ["transaction.id", "transaction.missing"], 1, "ab"))
write("fuzz_wompi", "not_object", '["transaction.updated"]')
write("fuzz_wompi", "empty_data", '{"event":"transaction.updated","data":{},"timestamp":1}')

# ---- §2 Mercado Pago -----------------------------------------------------------------------------
MP_SECRET = "mp_test_secret_123"
MP_RID = "bb56a2f1-6aae-46ac-982e-9dcd3581d08e"
mp_body = ('{"id":12345,"live_mode":true,"type":"payment","date_created":"2024-01-10T17:33:30Z",'
           '"user_id":44444,"api_version":"v1","action":"payment.created","data":{"id":"999999999"}}')
mp_payment = ('{"id":999999999,"status":"approved","status_detail":"accredited","external_reference":"ORD-9",'
              '"transaction_amount":125.5,"currency_id":"cop","payer":{"email":"a@b.c"}}')


def mp_sig(data_id, rid, ts):
    parts = ""
    if data_id:
        parts += "id:" + data_id.lower() + ";"
    if rid:
        parts += "request-id:" + rid + ";"
    if ts:
        parts += "ts:" + ts + ";"
    return "ts=" + ts + ",v1=" + hmac.new(MP_SECRET.encode(), parts.encode(), hashlib.sha256).hexdigest()


def mp_input(signature, rid, query, body, status=200):
    return fdp_string(signature) + fdp_string(rid) + fdp_string(query) + body.encode() + fdp_int_tail(status, 2, 100)


write("fuzz_mercadopago", "spec_vector1", mp_input(mp_sig("123456789", MP_RID, "1704908010"), MP_RID,
      "data.id=123456789&type=payment", mp_body))
write("fuzz_mercadopago", "spec_vector2_upper_id", mp_input(
      "ts=1742505638683,v1=fe4f202c0fb260249d2043ba8311afe5301a0b3f29381abf0c45d242f19d19f3", MP_RID,
      "data.id=ORD01JQ4S4KY8HWQ6NA5PXB65B3D3&type=order", '{"type":"order","action":"order.updated"}'))
write("fuzz_mercadopago", "spec_vector3_no_request_id", mp_input(
      "ts=1704908010,v1=c1e4e8d73f73e73d0fa6e21830137aeadb917822aadd9168228b7d6dc437fcb2", "",
      "data.id=123456789", '{"type":"payment","action":"payment.updated","data":{"id":"999"}}'))
write("fuzz_mercadopago", "payment_api_answer", mp_input(" ts = 1 , v1 = ab ", MP_RID, "data.id=1", mp_payment))
write("fuzz_mercadopago", "payment_api_refunded", mp_input("v1=,ts=", "", "", mp_payment.replace("approved", "refunded"), 200))
write("fuzz_mercadopago", "payment_api_404", mp_input("", "", "", "{}", 404))
write("fuzz_mercadopago", "ipn", mp_input("", "", "topic=payment&id=123", "", 200))
write("fuzz_mercadopago", "merchant_order", mp_input(mp_sig("123456789", "", "1"), "", "data.id=123456789",
      '{"type":"merchant_order","data":{"id":77}}'))

# ---- §3 Stripe -----------------------------------------------------------------------------------
ST_SECRET = "whsec_test_secret"


def stripe_input(header, t, body, now=None):
    tail = fdp_int64(t) if now is None else fdp_int64(now) + bytes([0]) + fdp_int64(t)
    if now is None:
        tail = bytes([1]) + tail
    return fdp_string(header) + body.encode() + tail


def stripe_sig(t, body):
    return hmac.new(ST_SECRET.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()


sbody = '{"id":"evt_test_webhook","object":"event"}'
write("fuzz_stripe", "spec_vector", stripe_input(
      "t=1492774577,v1=88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a", 1492774577, sbody))
succeeded = ('{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1",'
             '"amount":7500000,"currency":"cop","metadata":{"order_reference":"ORD-1"}}}}')
write("fuzz_stripe", "succeeded", stripe_input(f"t=1700000000,v1={stripe_sig(1700000000, succeeded)},v0=00",
      1700000000, succeeded))
refunded = ('{"id":"evt_2","type":"charge.refunded","data":{"object":{"id":"ch_1","payment_intent":"pi_1",'
            '"amount":100,"currency":"usd","metadata":{"order_reference":"ORD-2"}}}}')
write("fuzz_stripe", "refunded_stale", stripe_input(f"t=1700000000,v1=00,v1={stripe_sig(1700000000, refunded)}",
      1700000000, refunded, now=1700000301))
write("fuzz_stripe", "failed_no_ref", stripe_input("t=abc", 0, '{"id":"evt_3","type":"payment_intent.payment_failed"}'))

# ---- §4 Standard Webhooks ------------------------------------------------------------------------
SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def sw_input(wid, ts_text, sig, t, body):
    return fdp_string(wid) + fdp_string(ts_text) + fdp_string(sig) + body.encode() + fdp_int64(t)


write("fuzz_standard", "spec_vector", sw_input("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", 1614265330, '{"test": 2432232314}'))
key = base64.b64decode(SW_SECRET[len("whsec_"):])
ob = '{"type":"order.paid","data":{"order_reference":"ORD-7"}}'
sig = base64.b64encode(hmac.new(key, f"msg_2.1700000000.{ob}".encode(), hashlib.sha256).digest()).decode()
write("fuzz_standard", "two_signatures", sw_input(" msg_2 ", "1700000000", f"v2,xx v1,AAAA v1,{sig}", 1700000000, ob))
write("fuzz_standard", "bad_timestamp", sw_input("msg_3", "17e8", "v1,", -1, "[]"))

# ---- JWT -----------------------------------------------------------------------------------------
JWT_SECRET = "dev-only-jwt-secret-change-me"


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(payload, header='{"alg":"HS256","typ":"JWT"}', secret=JWT_SECRET):
    m = b64u(header.encode()) + "." + b64u(payload.encode())
    return m + "." + b64u(hmac.new(secret.encode(), m.encode(), hashlib.sha256).digest())


write("fuzz_jwt", "valid", jwt('{"sub":"ana"}'))
write("fuzz_jwt", "valid_exp", jwt('{"sub":"ana","exp":1767225620,"iat":1767225000}'))
write("fuzz_jwt", "expired_double", jwt('{"sub":"ana","exp":1.5e9}'))
write("fuzz_jwt", "exp_huge", jwt('{"sub":"ana","exp":18446744073709551615}'))
write("fuzz_jwt", "no_sub", jwt('{"exp":1}'))
write("fuzz_jwt", "alg_none", jwt('{"sub":"ana"}', header='{"alg":"none"}').rsplit(".", 1)[0] + ".")
write("fuzz_jwt", "hs512", jwt('{"sub":"ana"}', header='{"alg":"HS512","typ":"JWT"}'))
write("fuzz_jwt", "padded", jwt('{"sub":"bob"}') + "=")
write("fuzz_jwt", "payload_only", '{"sub":"ana","exp":9223372036854775807}')

# ---- HTTP requests -------------------------------------------------------------------------------
tok = jwt('{"sub":"ana"}')


def req(method, target, headers=(), body=""):
    h = [f"{method} {target} HTTP/1.1", "Host: localhost:8080"] + list(headers)
    if body:
        h.append(f"Content-Length: {len(body.encode())}")
    return "\r\n".join(h) + "\r\n\r\n" + body


admin = "Authorization: Bearer dev-admin-token"
write("fuzz_http_request", "health", req("GET", "/health"))
write("fuzz_http_request", "put_product", req("PUT", "/api/products/mug-1", [admin],
      '{"name":"Mug","price_in_cents":2500000,"currency":"COP","stock":10}'))
write("fuzz_http_request", "cart_items_jwt", req("POST", "/api/cart/items", [f"Authorization: Bearer {tok}"],
      '{"sku":"mug-1","quantity":2}'))
write("fuzz_http_request", "bulk_update", req("POST", "/api/cart/bulk-update",
      [f"Authorization: Bearer {tok}", 'If-Match: "1"'], '{"mug-1":3}'))
write("fuzz_http_request", "checkout", req("POST", "/api/checkout",
      [f"Authorization: Bearer {tok}", "Idempotency-Key: try-1"], '{"gateway":"wompi"}'))
write("fuzz_http_request", "webhook_events_query", req("GET", "/api/webhook-events?gateway=stripe&limit=10&status=quarantined", [admin]))
write("fuzz_http_request", "stream_rest", req("GET", "/api/streams/product/mug%2D1/events?from_version=2", [admin]))
write("fuzz_http_request", "order_cancel", req("POST", "/api/orders/ORD-1/cancel", [f"Authorization: Bearer {tok}"]))
t = 1767225600
write("fuzz_http_request", "stripe", req("POST", "/webhooks/stripe",
      [f"Stripe-Signature: t={t},v1={hmac.new(b'whsec_dev_only_stripe_secret', f'{t}.{succeeded}'.encode(), hashlib.sha256).hexdigest()}"],
      succeeded))
write("fuzz_http_request", "mercadopago_ipn", req("POST", "/webhooks/mp?topic=payment&id=123"))
write("fuzz_http_request", "standard", req("POST", "/webhooks/standard/acme",
      ["webhook-id: msg_1", f"webhook-timestamp: {t}", "webhook-signature: v1,AAAA"], ob))
write("fuzz_http_request", "wompi_chunked", "POST /webhooks/wompi HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\n{\"eve\r\n10\r\nnt\":\"x\",\"data\":{}\r\n1\r\n}\r\n0\r\n\r\n")
write("fuzz_http_request", "pipelined", req("GET", "/metrics") + req("DELETE", "/api/cart", [f"Authorization: bearer {tok}"])
      + req("GET", "/api/orders?limit=5", ["Expect: 100-continue"]))
write("fuzz_http_request", "http10_eof_body", "POST /webhooks/unknown HTTP/1.0\r\n\r\n{\"a\":1}")

# ---- Envelopes -----------------------------------------------------------------------------------
def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def envelope(stream, version, etype, at, data, prev_hash=None, fmt=2):
    b = bytes([fmt]) + varint(len(stream)) + stream.encode() + struct.pack("<Q", version)
    b += varint(len(etype)) + etype.encode() + struct.pack("<q", at) + varint(len(data.encode())) + data.encode()
    if fmt == 2:
        b += prev_hash if prev_hash is not None else bytes(32)
    return b


AT = 1767225600000000
webhook_received = json.dumps({"gateway": "stripe", "key": "stripe:evt_1", "type": "payment_intent.succeeded",
                               "order_reference": "ORD-1", "received_at": "2026-01-01T00:00:00.000Z",
                               "received_at_us": AT, "query": "", "body": succeeded}, separators=(",", ":"))
e1 = envelope("webhook/stripe:evt_1", 1, "WebhookReceived", AT, webhook_received)
write("fuzz_envelope", "webhook_received_v2", e1)
write("fuzz_envelope", "product_defined_v2", envelope("product/mug-1", 1, "ProductDefined", AT,
      '{"sku":"mug-1","name":"Mug","price_in_cents":2500000,"currency":"COP"}', hashlib.sha256(e1).digest()))
write("fuzz_envelope", "order_placed_v1", envelope("order/ORD-1", 3, "OrderExpired", AT, "{}", fmt=1))
write("fuzz_envelope", "empty_fields", envelope("", 0, "", -1, ""))
write("fuzz_envelope", "long_varint", bytes([2]) + bytes([0x80, 0x80, 0x00]) + bytes(8) + bytes([0]) + bytes(8) + bytes([0]) + bytes(32))

# ---- Event payloads (first byte: the type's index in fuzz_event_payloads.cpp's kTypes) -----------
TYPES = ["ProductDefined", "StockAdjusted", "StockReserved", "ReservationReleased", "ReservationConfirmed",
         "CartItemAdded", "CartQuantitiesSet", "CartCleared", "OrderPlaced", "OrderExpired", "OrderCancelled",
         "PaymentApproved", "PaymentFailed", "OrderNeedsAttention", "OrderRefunded"]
payloads = {
    "ProductDefined": '{"sku":"mug-1","name":"Mug \\u00e9","price_in_cents":2500000,"currency":"COP"}',
    "StockAdjusted": '{"delta":-3,"reason":"damaged","on_hand_after":7}',
    "StockReserved": '{"order_reference":"ORD-1","quantity":3}',
    "ReservationReleased": '{"order_reference":"ORD-1","quantity":3,"reason":"payment_failed"}',
    "ReservationConfirmed": '{"order_reference":"ORD-1","quantity":3}',
    "CartItemAdded": '{"sku":"mug-1","quantity":-2}',
    "CartQuantitiesSet": '{"lines":{"cup":0,"mug-1":3}}',
    "CartCleared": '{"reason":"order_paid"}',
    "OrderPlaced": ('{"reference":"ORD-1","user":"ana","lines":[{"sku":"mug-1","quantity":3,"price_in_cents":2500000}],'
                    '"amount_in_cents":7500000,"currency":"COP","gateway":"wompi","expires_at":"2026-01-01T00:15:00.000Z",'
                    '"expires_at_us":1767226500000000,"idempotency_key":"try-1"}'),
    "OrderExpired": "{}",
    "OrderCancelled": '{"by":"admin"}',
    "PaymentApproved": '{"gateway":"wompi","transaction_id":"tx-1","status":"APPROVED","amount_in_cents":7500000,"currency":"COP"}',
    "PaymentFailed": '{"gateway":"stripe","transaction_id":"pi_1","status":"payment_intent.payment_failed"}',
    "OrderNeedsAttention": ('{"reason":"stock_unavailable","gateway":"mercadopago","transaction_id":"9","status":"approved",'
                            '"amount_in_cents":12550,"currency":"COP"}'),
    "OrderRefunded": '{"gateway":"stripe","transaction_id":"pi_1","status":"charge.refunded"}',
}
for i, name in enumerate(TYPES):
    write("fuzz_event_payloads", name, bytes([i]) + payloads[name].encode())
    write("fuzz_envelope" if name in ("CartQuantitiesSet", "OrderPlaced") else "fuzz_event_payloads_unused", name,
          envelope("x/" + name, 2, name, AT, payloads[name]))
shutil.rmtree(os.path.join(ROOT, "fuzz_event_payloads_unused"))
write("fuzz_event_payloads", "WebhookReceived", bytes([15]) + webhook_received.encode())
write("fuzz_event_payloads", "WebhookSucceeded", bytes([15]) + b'{"attempt":1,"effect":"paid"}')
write("fuzz_event_payloads", "WebhookAttemptFailed", bytes([15]) +
      b'{"attempt":2,"error":"Mercado Pago answered 503","next_retry_at":"2026-01-01T00:05:00.000Z","next_retry_at_us":1767225900000000}')
write("fuzz_event_payloads", "WebhookFailed", bytes([15]) + b'{"attempt":4,"error":"unknown order ORD-1"}')
write("fuzz_event_payloads", "summary_row", bytes([15]) +
      b'{"v":1,"gateway":"stripe","key":"stripe:evt_1","type":"payment_intent.succeeded","order_reference":"ORD-1",'
      b'"status":"failed","attempts":4,"next_retry_at":0,"last_error":"x","received_at":1767225600000000}')
write("fuzz_event_payloads", "quarantine_row", bytes([15]) +
      b'{"v":1,"gateway":"stripe","reason":"stripe signature does not match","received_at":1767225600000000,'
      b'"query":"a=b","body":"{\\"id\\":1}","body_bytes":7}')

# ---- Snapshots and states -----------------------------------------------------------------------
product_state = ('{"format":1,"sku":"mug-1","name":"Mug","price_in_cents":2500000,"currency":"COP","on_hand":10,'
                 '"reserved":3,"available":7,"reservations":{"ORD-1":3},"defined":true,"version":4}')
cart_state = '{"format":1,"user":"u1","lines":{"cup":1,"mug":2},"version":2}'
order_state = ('{"format":1,"reference":"ORD-1","user":"ana","lines":[{"sku":"mug-1","quantity":3,"price_in_cents":2500000}],'
               '"amount_in_cents":7500000,"currency":"COP","gateway":"wompi","status":"paid",'
               '"expires_at":"2026-01-01T00:15:00.000Z","expires_at_us":1767226500000000,"idempotency_key":"try-1",'
               '"placed":true,"payment":{"gateway":"wompi","transaction_id":"tx-1","status":"APPROVED"},'
               '"applied_payments":["wompi/tx-1/approved"],"version":2}')
order_unpaid = order_state.replace('"payment":{"gateway":"wompi","transaction_id":"tx-1","status":"APPROVED"}', '"payment":null')


def snapshot_row(version, state):
    return bytes([1]) + struct.pack("<Q", version) + hashlib.sha256(state.encode()).digest() + state.encode()


for name, state in [("product", product_state), ("cart", cart_state), ("order", order_state), ("order_unpaid", order_unpaid)]:
    write("fuzz_snapshot", name + "_state", state)
    write("fuzz_snapshot", name + "_row", snapshot_row(4, state))

# ---- Configuration -------------------------------------------------------------------------------
dev = open(os.path.join(os.path.dirname(ROOT), "..", "config", "dev.toml")).read()
write("fuzz_config", "dev", dev)
write("fuzz_config", "empty", "")
write("fuzz_config", "full", """[server]
listen = "0.0.0.0:0"
max_body_bytes = 2048
max_header_bytes = 8192
max_connections = 10
idle_timeout_seconds = 5
read_timeout_seconds = 5
threads = 2
shutdown_grace_seconds = 1

[storage]
dir = "/tmp/x"

[auth]
jwt_secret = "s"
admin_token = "t"

[mercadopago]
webhook_secret = "m"
allow_ipn = true

[webhooks]
signature_tolerance_seconds = 60
api_ca_file = ""

[standard_webhooks.acme]
secret = "whsec_Yml0YWNvcmEtZGV2LW9ubHktc2VjcmV0"

[standard_webhooks."other source"]
secret = "whsec_!!"

[snapshots]
every_events = 0

[actors]
idle_seconds = 1
max_alive = 1000

[retries]
schedule_seconds = []

[log]
level = "off"
""")
write("fuzz_config", "bad_values", """[server]
listen = "nohost"
max_body_bytes = "abc"
threads = -1
unknown = 1
[reservations]
ttl_seconds = 9223372036854775807
[retries]
schedule_seconds = [1, 0, 1e3]
[nosuch]
x = 1
""")
write("fuzz_config", "syntax_error", '[server\nlisten = "a"\n')
write("fuzz_config", "inline_tables", 'server = { listen = "127.0.0.1:1" }\nlog.level = "debug"\n'
      'standard_webhooks = { a = { secret = "whsec_AAAA" } }\nretries.schedule_seconds = [1.5, "x", [1]]\n'
      'snapshots.every_events = 2024-01-01T00:00:00Z\n')
