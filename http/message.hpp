// The HTTP vocabulary shared by the server, the router and the handlers.
//
// A handler is given the request and a Respond callback, and must call Respond exactly once, from
// any thread. The request stays valid until then (its session waits for the response before it
// reads again). Handlers never block: work that blocks goes to the blocking pool (see context.hpp).
#pragma once

#include <boost/beast/http.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace bitacora::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using Respond = std::function<void(Response)>;

// A JSON response with the given status and body.
[[nodiscard]] Response json_response(bhttp::status status, std::string body);
// Storage could not serve the request (a read or a write): 503 storage_unavailable, never a
// success. The body says no more than that (no file names, no RocksDB message).
[[nodiscard]] Response storage_response();

// The error shape of API.md: {"error": code, "message": text}. `extra` is a JSON object's inner
// members ("\"sku\":\"x\"") appended after message, or empty.
[[nodiscard]] Response error_response(bhttp::status status, std::string_view code, std::string_view message,
                                      std::string_view extra = {});
// One member for `extra`, its value a JSON string: "\"name\":\"value\"", escaped. Any text a
// client sent goes into an error body this way (or through JsonWriter), never pasted.
[[nodiscard]] std::string json_member(std::string_view name, std::string_view value);

}  // namespace bitacora::http
