// Signature verification and payload parsing for each gateway, exactly as ../shared/spec/gateways.md
// says. Pure functions; thread-safe. Every comparison of a signature is constant-time.
//
// Order of checks: where the signature lives in a header (Mercado Pago, Stripe, Standard Webhooks)
// it is checked first (401), then the body is parsed (400). Wompi's checksum lives inside the body,
// so a body that is not JSON is 400 before any signature can be checked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http/gateways/inbound.hpp"
#include "support/secret.hpp"

namespace bitacora::http::gateways {

// Names from the payload (types, order references) are listed only when they are valid names
// (support/text.hpp); ids that make dedupe keys must be, else the request is malformed (400).
//
// Wompi (gateways.md §1). Checksum from `signature.properties` read under `data`, then `timestamp`,
// then the secret; SHA-256 hex compared case-insensitively. An event carrying `data.transaction`
// must have its id, status and amount_in_cents among the signed properties (401 otherwise: what
// the payment effect rests on must be signed). Dedupe key "wompi:" + lower-case checksum;
// type = `event`; order reference = `data.transaction.reference` when present.
[[nodiscard]] Verdict verify_wompi(const InboundRequest& req, const Secret& events_secret);

// Mercado Pago (gateways.md §2). `x-signature: ts=…,v1=…` over the manifest built from the
// query's `data.id` (lower-cased), `x-request-id` and `ts`; parts with a missing value are left out.
// `ts` (seconds, or milliseconds when 13 digits) must be within tolerance of now (401). data.id
// must be 1-64 and x-request-id 1-128 of A-Z a-z 0-9 . _ - (400). Dedupe key, from signed parts
// only: "mercadopago:{data.id lower-cased}:{x-request-id}:{ts}". type = body `action` when
// present, else body `type`. No order reference (fetched later, by the signed data.id).
[[nodiscard]] Verdict verify_mercadopago(const InboundRequest& req, const Secret& webhook_secret,
                                         std::int64_t now_s, int tolerance_s = 300);

// Mercado Pago's legacy IPN (gateways.md §2): `?topic=…&id=…` and no x-signature header. Nothing
// in it can be verified, so it is taken only when `mercadopago.allow_ipn` is on, and processing
// trusts nothing but the payment it then fetches from the API.
[[nodiscard]] bool is_mercadopago_ipn(const InboundRequest& req);
// Accepts one: `topic` of lower-case letters and '_', `id` of digits (it goes into the API's URL),
// each at most 64 characters, else malformed (400). An IPN carries no notification id, and one
// payment's IPNs differ only by when they come, so each delivery is its own webhook: dedupe key
// "mercadopago:ipn:{topic}:{id}:{received_us}". Applying a payment is idempotent, so a repeated
// IPN changes nothing. type = "ipn." + topic.
[[nodiscard]] Verdict accept_mercadopago_ipn(const InboundRequest& req, std::int64_t received_us);

// Stripe (gateways.md §3). `Stripe-Signature: t=…,v1=…[,v1=…]`; any v1 may match; |now - t| ≤
// tolerance. Dedupe key "stripe:" + event `id` (required, a valid name); type = `type`; order reference =
// `data.object.metadata.order_reference` when present.
[[nodiscard]] Verdict verify_stripe(const InboundRequest& req, const Secret& secret,
                                    std::int64_t now_s, int tolerance_s = 300);

// Standard Webhooks (gateways.md §4) for a configured `source`. Dedupe key "{source}:" +
// `webhook-id` (a valid name, else 400); type = body `type` when present (else "unknown"); order reference =
// `data.order_reference` when present. The body must be JSON.
[[nodiscard]] Verdict verify_standard(const InboundRequest& req, std::string_view source,
                                      const Secret& secret, std::int64_t now_s, int tolerance_s = 300);

// Wompi's integrity signature for checkout (gateways.md §1.6), lower-case hex.
[[nodiscard]] std::string wompi_integrity_signature(std::string_view reference,
                                                    std::int64_t amount_in_cents,
                                                    std::string_view currency,
                                                    const Secret& integrity_secret);

}  // namespace bitacora::http::gateways
