#include "http/router.hpp"

#include "http/url.hpp"

namespace bitacora::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  return out;
}

bool is_capture(std::string_view s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }
bool is_rest(std::string_view s) { return is_capture(s) && s.size() > 5 && s.substr(s.size() - 4) == "...}"; }

// Captures of `segments` against `pattern`, or false.
bool match_segments(const std::vector<std::string>& pattern, const std::vector<std::string_view>& segments,
                    std::vector<std::string>& captures) {
  captures.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_rest(pattern[i])) {
      if (i >= segments.size()) return false;
      std::string rest;
      for (std::size_t j = i; j < segments.size(); ++j) {
        if (j > i) rest += '/';
        auto decoded = percent_decode(segments[j]);
        if (!decoded) return false;
        rest += *decoded;
      }
      captures.push_back(std::move(rest));
      return true;
    }
    if (i >= segments.size()) return false;
    if (is_capture(pattern[i])) {
      auto decoded = percent_decode(segments[i]);
      if (!decoded || decoded->empty()) return false;
      captures.push_back(std::move(*decoded));
    } else if (pattern[i] != segments[i]) {
      return false;
    }
  }
  return pattern.size() == segments.size();
}

}  // namespace

void Router::add(bhttp::verb method, std::string pattern, Handler handler) {
  std::vector<std::string> segments;
  for (auto s : split_path(pattern)) segments.emplace_back(s);
  routes_.push_back(Route{method, std::move(pattern), std::move(segments), std::move(handler)});
}

void Router::wrap(const Wrap& wrap) {
  for (auto& r : routes_)
    if (auto h = wrap(r.method, r.pattern, r.handler)) r.handler = std::move(*h);
}

bool Router::has(bhttp::verb method, std::string_view pattern) const {
  for (const auto& r : routes_)
    if (r.method == method && r.pattern == pattern) return true;
  return false;
}

Router::Match Router::match(bhttp::verb method, std::string_view target) const {
  Match m;
  auto [path, query] = split_target(target);
  auto segments = split_path(path);
  std::vector<std::string> captures;
  for (const auto& r : routes_) {
    if (!match_segments(r.segments, segments, captures)) continue;
    m.path_known = true;
    if (r.method != method) continue;
    m.handler = &r.handler;
    m.pattern = r.pattern;
    m.params.values = std::move(captures);
    m.params.query = query;
    return m;
  }
  return m;
}

}  // namespace bitacora::http
