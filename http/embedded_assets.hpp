// The operator console's static files (console/ in the source tree), embedded in the binary at
// build time by cmake/embed_assets.cmake and served under /console/ (http/handlers/console.cpp).
#pragma once

#include <span>
#include <string_view>

namespace bitacora::http {

struct ConsoleAsset {
  std::string_view path;          // relative to console/, e.g. "index.html", "views/orders.js"
  std::string_view content_type;
  std::string_view bytes;
};

[[nodiscard]] std::span<const ConsoleAsset> console_assets();

}  // namespace bitacora::http
