#include "http/message.hpp"

#include "support/json_writer.hpp"

namespace bitacora::http {

Response json_response(bhttp::status status, std::string body) {
  Response res{status, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response error_response(bhttp::status status, std::string_view code, std::string_view message,
                        std::string_view extra) {
  std::string body = "{\"error\":\"";
  json_escape(body, code);
  body += "\",\"message\":\"";
  json_escape(body, message);
  body += '"';
  if (!extra.empty()) {
    body += ',';
    body += extra;
  }
  body += '}';
  return json_response(status, std::move(body));
}

std::string json_member(std::string_view name, std::string_view value) {
  std::string out = "\"";
  json_escape(out, name);
  out += "\":\"";
  json_escape(out, value);
  out += '"';
  return out;
}

Response storage_response() {
  // What failed stays in the server's log: RocksDB's messages name files of the data directory.
  return error_response(bhttp::status::service_unavailable, "storage_unavailable",
                        "storage could not serve this request; retry later");
}

}  // namespace bitacora::http
