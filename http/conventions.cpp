#include "http/conventions.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <memory>

#include "http/idempotency.hpp"

namespace bitacora::http {
namespace {

struct ShopperRoute {
  bhttp::verb method;
  std::string_view pattern;
};

// What a storefront calls from the shopper's browser (docs/api.md §4) and the contract.
constexpr std::array kShopperRoutes{
    ShopperRoute{bhttp::verb::get, "/api/cart"},
    ShopperRoute{bhttp::verb::delete_, "/api/cart"},
    ShopperRoute{bhttp::verb::post, "/api/cart/items"},
    ShopperRoute{bhttp::verb::post, "/api/cart/bulk-update"},
    ShopperRoute{bhttp::verb::post, "/api/cart/coupon"},
    ShopperRoute{bhttp::verb::delete_, "/api/cart/coupon"},
    ShopperRoute{bhttp::verb::post, "/api/cart/quote"},
    ShopperRoute{bhttp::verb::post, "/api/checkout"},
    ShopperRoute{bhttp::verb::get, "/api/orders/{reference}"},
    ShopperRoute{bhttp::verb::post, "/api/orders/{reference}/cancel"},
    ShopperRoute{bhttp::verb::get, "/api/products"},
    ShopperRoute{bhttp::verb::get, "/api/products/{sku}"},
    ShopperRoute{bhttp::verb::get, "/openapi.json"},
};

constexpr std::string_view kAllowHeaders = "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key";
constexpr std::string_view kExposeHeaders = "ETag, Idempotent-Replayed, Retry-After, X-Request-Id";
constexpr std::string_view kMaxAge = "600";

bool shopper_route(bhttp::verb method, std::string_view pattern) {
  return std::any_of(kShopperRoutes.begin(), kShopperRoutes.end(),
                     [&](const ShopperRoute& r) { return r.method == method && r.pattern == pattern; });
}

bool changes_state(bhttp::verb method) {
  return method == bhttp::verb::post || method == bhttp::verb::put || method == bhttp::verb::delete_ ||
         method == bhttp::verb::patch;
}

// The Access-Control-Allow-Origin to send for this request's Origin, or empty when it is not allowed.
std::string allowed_origin(const Request& req, const std::vector<std::string>& origins) {
  std::string_view origin = req[bhttp::field::origin];
  if (origin.empty()) return {};
  for (const auto& o : origins) {
    if (o == "*") return "*";
    if (o == origin) return o;
  }
  return {};
}

void add_cors(Response& res, const std::string& origin) {
  res.set(bhttp::field::vary, "Origin");
  if (origin.empty()) return;
  res.set(bhttp::field::access_control_allow_origin, origin);
  res.set(bhttp::field::access_control_expose_headers, kExposeHeaders);
}

}  // namespace

void apply_conventions(Router& router, Services& s) {
  auto idempotency = std::make_shared<Idempotency>(s.idempotency, s.auth, s.blocking);
  router.wrap([idempotency](bhttp::verb method, const std::string& pattern, const Handler& inner) -> std::optional<Handler> {
    // Gateways have their own deduplication (API.md §1); everything else that changes state takes a key.
    if (!changes_state(method) || pattern.starts_with("/webhooks/")) return std::nullopt;
    return idempotency->wrap(inner);
  });

  const auto& origins = s.conventions.cors_origins;
  if (origins.empty()) return;
  router.wrap([&origins](bhttp::verb method, const std::string& pattern, const Handler& inner) -> std::optional<Handler> {
    if (!shopper_route(method, pattern)) return std::nullopt;
    return [&origins, inner](const Request& req, const RouteParams& params, Respond respond) {
      inner(req, params, [origin = allowed_origin(req, origins), respond = std::move(respond)](Response res) {
        add_cors(res, origin);
        respond(std::move(res));
      });
    };
  });
  // Preflight: one OPTIONS route per shopper path, allowing the methods shoppers use there.
  std::map<std::string_view, std::string> methods;
  for (const auto& r : kShopperRoutes) {
    if (!router.has(r.method, r.pattern)) continue;
    auto& list = methods[r.pattern];
    list += list.empty() ? "" : ", ";
    list += std::string(bhttp::to_string(r.method));
  }
  for (auto& [pattern, list] : methods) {
    router.add(bhttp::verb::options, std::string(pattern),
               [&origins, allow = list + ", OPTIONS"](const Request& req, const RouteParams&, Respond respond) {
                 Response res{bhttp::status::no_content, 11};
                 const std::string origin = allowed_origin(req, origins);
                 res.set(bhttp::field::vary, "Origin");
                 if (!origin.empty()) {
                   res.set(bhttp::field::access_control_allow_origin, origin);
                   res.set(bhttp::field::access_control_allow_methods, allow);
                   res.set(bhttp::field::access_control_allow_headers, kAllowHeaders);
                   res.set(bhttp::field::access_control_max_age, kMaxAge);
                 }
                 res.prepare_payload();
                 respond(std::move(res));
               });
  }
}

}  // namespace bitacora::http
