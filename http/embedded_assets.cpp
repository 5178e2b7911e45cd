#include "http/embedded_assets.hpp"

namespace bitacora::http {

Response asset_response(const EmbeddedAsset& a, std::string_view content_security_policy) {
  Response res{bhttp::status::ok, 11};
  res.set(bhttp::field::content_type, a.content_type);
  res.set(bhttp::field::cache_control, "no-cache");
  if (!content_security_policy.empty()) res.set("Content-Security-Policy", content_security_policy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.body().assign(a.bytes.data(), a.bytes.size());
  res.prepare_payload();
  return res;
}

}  // namespace bitacora::http
