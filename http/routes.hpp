// The routes of API.md, one registration function per resource (http/handlers/*.cpp).
#pragma once

#include "http/context.hpp"
#include "http/conventions.hpp"
#include "http/router.hpp"

namespace bitacora::http {

void add_webhook_routes(Router& router, Services& services);        // §1 POST /webhooks/…
void add_webhook_event_routes(Router& router, Services& services);  // §2 /api/webhook-events
void add_operations_routes(Router& router, Services& services);     // §5 /health, /metrics
void add_stream_routes(Router& router, Services& services);         // §5 /api/streams/{stream}/events
void add_product_routes(Router& router, Services& services);        // §3 /api/products
void add_cart_routes(Router& router, Services& services);           // §4 /api/cart
void add_order_routes(Router& router, Services& services);          // §4 /api/checkout, /api/orders
void add_coupon_routes(Router& router, Services& services);         // §4 /api/coupons, /api/delivery/zones
void add_stats_routes(Router& router, Services& services);          // §4 /api/stats/checkouts
void add_console_routes(Router& router, Services& services);        // §5 /console/, /api/operators/me, /api/scheduler
void add_contract_routes(Router& router, Services& services);       // /openapi.json, /demo/
void add_event_routes(Router& router, Services& services);          // /api/events (notifications)

[[nodiscard]] inline Router make_router(Services& services) {
  Router r;
  add_webhook_routes(r, services);
  add_webhook_event_routes(r, services);
  add_operations_routes(r, services);
  add_stream_routes(r, services);
  add_product_routes(r, services);
  add_cart_routes(r, services);
  add_order_routes(r, services);
  add_coupon_routes(r, services);
  add_stats_routes(r, services);
  add_console_routes(r, services);
  add_contract_routes(r, services);
  add_event_routes(r, services);
  apply_conventions(r, services);  // Idempotency-Key, CORS: over every route above
  return r;
}

}  // namespace bitacora::http
