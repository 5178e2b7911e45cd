// Gateway secrets and endpoints, one struct per TOML section (API.md §7). An empty secret means the
// gateway is not configured: its webhook route answers 404.
#pragma once

#include <map>
#include <string>

#include "support/secret.hpp"

namespace bitacora::http::gateways {

struct WompiConfig {
  Secret events_secret;       // [wompi] events_secret: checksum of event notifications
  Secret integrity_secret;    // [wompi] integrity_secret: checkout's integrity signature
  std::string api_base = "https://production.wompi.co/v1";
};

struct MercadoPagoConfig {
  Secret webhook_secret;      // [mercadopago] webhook_secret: x-signature HMAC key
  Secret access_token;        // [mercadopago] access_token: payments API bearer token
  std::string api_base = "https://api.mercadopago.com";
  bool allow_ipn = false;     // [mercadopago] allow_ipn: accept the legacy unsigned IPN (?topic=…&id=…)
};

struct StripeConfig {
  Secret webhook_secret;      // [stripe] webhook_secret: "whsec_…", used as the HMAC key as is
};

struct GatewayConfig {
  WompiConfig wompi;
  MercadoPagoConfig mercadopago;
  StripeConfig stripe;
  std::map<std::string, Secret> standard_webhooks;  // [standard_webhooks.<source>] secret = "whsec_…"
  int signature_tolerance_seconds = 300;            // Stripe and Standard Webhooks timestamp window
  std::string api_ca_file;  // [webhooks] api_ca_file: PEM authorities trusted for gateway APIs besides the system's
  int api_timeout_seconds = 10;  // [webhooks] api_timeout_seconds: one call to a gateway's API, name resolution included
};

}  // namespace bitacora::http::gateways
