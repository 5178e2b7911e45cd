#include "tests/chaos/admin_reads.hpp"

#include "tests/chaos/credentials.hpp"
#include "tests/harness/json.hpp"

namespace bitacora::chaos {

using testing::HttpResponse;
using testing::Json;

namespace {

Json answer_of(testing::HttpClient& c, const std::string& target) {
  HttpResponse r = c.get(target, as_admin());
  if (r.status != 200)
    throw ReadFailed("GET " + target + " → " + std::to_string(r.status) + " " + (r.status ? r.body.substr(0, 300) : r.error));
  try {
    return Json(r.body);
  } catch (const std::exception& e) {
    throw ReadFailed("GET " + target + ": " + e.what());
  }
}

std::string text(simdjson::dom::element e, const char* field) {
  std::string_view s;
  return e[field].get_string().get(s) ? std::string() : std::string(s);
}

std::int64_t number(simdjson::dom::element e, const char* field) {
  std::int64_t n = 0;
  return e[field].get_int64().get(n) ? 0 : n;
}

Micros time_at(simdjson::dom::element e, const char* field) {
  auto t = parse_rfc3339(text(e, field));
  return t ? *t : 0;
}

OrderRow order_row(simdjson::dom::element item) {
  OrderRow o{text(item, "reference"), text(item, "status"), number(item, "amount_in_cents"), {}, time_at(item, "expires_at")};
  simdjson::dom::array lines;
  if (!item["items"].get_array().get(lines))
    for (auto line : lines) o.lines[text(line, "sku")] += number(line, "quantity");
  return o;
}

// Follows `next_cursor` from `first`, handing each page's items to `each`.
template <class Each>
void every_page(testing::HttpClient& c, const std::string& first, Each each) {
  std::string cursor;
  for (;;) {
    auto page = answer_of(c, first + (cursor.empty() ? "" : "&cursor=" + cursor));
    const simdjson::dom::array items = page.at("/items").get_array().value();  // a copy: the result is a temporary
    for (auto item : items) each(item);
    if (page.is_null("/next_cursor")) return;
    cursor = page.str("/next_cursor");
  }
}

}  // namespace

std::vector<WebhookRow> all_webhook_events(testing::HttpClient& c) {
  std::vector<WebhookRow> out;
  every_page(c, "/api/webhook-events?limit=500", [&](simdjson::dom::element item) {
    out.push_back({text(item, "id"), text(item, "key"), text(item, "status")});
  });
  return out;
}

std::vector<OrderRow> all_orders(testing::HttpClient& c, const std::string& status) {
  std::vector<OrderRow> out;
  every_page(c, "/api/orders?limit=500" + (status.empty() ? "" : "&status=" + status),
             [&](simdjson::dom::element item) { out.push_back(order_row(item)); });
  return out;
}

OrderRow order_of(testing::HttpClient& c, const std::string& reference) {
  auto answer = answer_of(c, "/api/orders/" + reference);
  return order_row(answer.at(""));
}

std::vector<StreamEvent> stream_events(testing::HttpClient& c, const std::string& stream) {
  std::vector<StreamEvent> out;
  std::int64_t from = 1;
  for (;;) {
    auto page = answer_of(c, "/api/streams/" + stream + "/events?limit=10000&from_version=" + std::to_string(from));
    const simdjson::dom::array items = page.at("/items").get_array().value();
    for (auto item : items) {
      auto data = item["data"];
      out.push_back({number(item, "version"), text(item, "type"), time_at(item, "at"), text(data.value(), "order_reference"),
                     text(data.value(), "reason"), number(data.value(), "quantity"), number(data.value(), "delta")});
    }
    if (page.is_null("/next_from_version")) return out;
    from = page.num("/next_from_version");
  }
}

ProductRow product_of(testing::HttpClient& c, const std::string& sku) {
  auto p = answer_of(c, "/api/products/" + sku);
  return {p.num("/on_hand"), p.num("/reserved"), p.num("/available")};
}

std::int64_t pending_webhooks(testing::HttpClient& c) { return answer_of(c, "/health").num("/webhooks/pending"); }

}  // namespace bitacora::chaos
