// Router: maps a method and a path to a handler. Patterns are literal segments and `{name}`
// captures ("/webhooks/standard/{source}"); a final `{name...}` captures the rest of the path.
// Built once at start, then read-only: match() is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace bitacora::http {

struct RouteParams {
  std::vector<std::string> values;  // captures, in pattern order, percent-decoded
  std::string_view query;           // raw query string
  [[nodiscard]] const std::string& operator[](std::size_t i) const { return values.at(i); }
};

using Handler = std::function<void(const Request&, const RouteParams&, Respond)>;

class Router {
 public:
  void add(bhttp::verb method, std::string pattern, Handler handler);
  // Middleware, applied once routes are added: each route's handler is replaced by what `wrap`
  // returns for it (nullopt: left as it is).
  using Wrap = std::function<std::optional<Handler>(bhttp::verb method, const std::string& pattern, const Handler& inner)>;
  void wrap(const Wrap& wrap);
  // Whether some route has this method and pattern.
  [[nodiscard]] bool has(bhttp::verb method, std::string_view pattern) const;

  struct Match {
    const Handler* handler = nullptr;  // null: no route
    bool path_known = false;           // the path matched some route, not this method → 405
    std::string_view pattern;          // the route's pattern, the label for metrics
    RouteParams params;
  };
  [[nodiscard]] Match match(bhttp::verb method, std::string_view target) const;

 private:
  struct Route {
    bhttp::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace bitacora::http
