// Static files embedded in the binary at build time by cmake/embed_assets.cmake, so bitacora
// serves them with nothing installed beside it: the operator console (console/, under /console/),
// the API contract (docs/openapi.yaml as JSON, at /openapi.json) and the demo storefront
// (clients/js/example/ with the built client under client/, at /demo/ when http.serve_demo).
#pragma once

#include <span>
#include <string_view>

#include "http/message.hpp"

namespace bitacora::http {

struct EmbeddedAsset {
  std::string_view path;          // relative to its folder, e.g. "index.html", "views/orders.js"
  std::string_view content_type;
  std::string_view bytes;
};

[[nodiscard]] std::span<const EmbeddedAsset> console_assets();
[[nodiscard]] std::span<const EmbeddedAsset> contract_assets();  // "openapi.json"
[[nodiscard]] std::span<const EmbeddedAsset> demo_assets();      // empty when the build had no client to embed

// The asset at `path` in `assets`, or nullptr.
[[nodiscard]] inline const EmbeddedAsset* find_asset(std::span<const EmbeddedAsset> assets, std::string_view path) {
  for (const auto& a : assets)
    if (a.path == path) return &a;
  return nullptr;
}

// 200 with the asset's bytes and content type, revalidated on each use (Cache-Control: no-cache),
// never sniffed, sending no Referer, under `content_security_policy` when given.
[[nodiscard]] Response asset_response(const EmbeddedAsset& a, std::string_view content_security_policy = {});

}  // namespace bitacora::http
