#include "actors/webhook_queries.hpp"

#include <algorithm>
#include <charconv>

#include "actors/webhook_inbox.hpp"
#include "events/webhook_events.hpp"
#include "storage/keys.hpp"

namespace bitacora::actors {
namespace {

// A cursor is "<a>.<q>": the highest accepted seq and quarantine number still to list, where 0
// means that source is exhausted. A fresh listing starts both at UINT64_MAX.
struct Cursor {
  std::uint64_t accepted = UINT64_MAX;
  std::uint64_t quarantined = UINT64_MAX;
};

std::optional<Cursor> parse_cursor(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  Cursor c;
  auto a = text.substr(0, dot), q = text.substr(dot + 1);
  if (std::from_chars(a.data(), a.data() + a.size(), c.accepted).ptr != a.data() + a.size() || a.empty() ||
      std::from_chars(q.data(), q.data() + q.size(), c.quarantined).ptr != q.data() + q.size() || q.empty())
    return std::nullopt;
  return c;
}

std::string format_cursor(const Cursor& c) {
  return std::to_string(c.accepted) + "." + std::to_string(c.quarantined);
}

domain::WebhookSummary summary_of(const domain::QuarantinedWebhook& q) {
  domain::WebhookSummary s;
  s.gateway = q.gateway;
  s.status = domain::WebhookStatus::quarantined;
  s.last_error = q.reason;
  s.received_at = q.received_at;
  return s;
}

struct Collected {
  std::vector<std::pair<std::uint64_t, WebhookItem>> items;  // (position, item), newest first
  std::uint64_t resume = 0;  // where to continue when all collected items are taken; 0 = exhausted
};

// Reads one source newest-first from `from`, keeping up to `limit` matches within the scan budget.
// `decode` turns a row into an item, or nullopt when the filter leaves it out.
template <class Decode>
Result<Collected> collect(const storage::EventLog& log, storage::Family family, std::uint64_t from,
                          std::size_t limit, Decode decode) {
  Collected out;
  if (from == 0) return out;
  std::size_t scanned = 0;
  std::uint64_t last_pos = 0;
  bool stopped_early = false;
  auto s = log.scan(family, storage::keys::be64(from), true, [&](std::string_view k, std::string_view v) {
    auto pos = storage::keys::read_be64(k).value_or(0);
    last_pos = pos;
    if (out.items.size() == limit || ++scanned > WebhookQueries::kScanBudget) {
      stopped_early = true;
      return false;
    }
    if (auto item = decode(pos, v)) out.items.emplace_back(pos, std::move(*item));
    return true;
  });
  if (!s) return s.error();
  out.resume = stopped_early ? last_pos : 0;
  return out;
}

// A row that does not decode, as the listing shows it (when it shows it at all).
std::optional<WebhookItem> damaged(const WebhookFilter& f, std::string id, const Error& e) {
  if (!f.unfiltered()) return std::nullopt;
  return WebhookItem{std::move(id), {}, e.message};
}

}  // namespace

bool WebhookFilter::matches(const domain::WebhookSummary& s) const {
  return (!status || *status == s.status) && (!gateway || *gateway == s.gateway) && (!type || *type == s.event_type) &&
         (!reference || *reference == s.order_reference) && (!from || s.received_at >= *from) &&
         (!to || s.received_at < *to);
}

Result<WebhookPage> WebhookQueries::list(const WebhookFilter& f) const {
  Cursor cursor;
  if (f.cursor) {
    auto parsed = parse_cursor(*f.cursor);
    if (!parsed) return Error{Errc::invalid_argument, "cursor is not one this server returned"};
    cursor = *parsed;
  }
  const bool want_accepted = !f.status || *f.status != domain::WebhookStatus::quarantined;
  const bool want_quarantined = (!f.status || *f.status == domain::WebhookStatus::quarantined) && !f.type && !f.reference;

  auto accepted = collect(log_, storage::Family::webhooks, want_accepted ? cursor.accepted : 0, f.limit,
                          [&](std::uint64_t seq, std::string_view v) -> std::optional<WebhookItem> {
                            auto s = domain::decode_webhook_summary(v);
                            if (!s) return damaged(f, webhook_id(seq), s.error());
                            if (!f.matches(*s)) return std::nullopt;
                            return WebhookItem{webhook_id(seq), std::move(*s), {}};
                          });
  if (!accepted) return accepted.error();
  auto quarantined = collect(log_, storage::Family::quarantine, want_quarantined ? cursor.quarantined : 0, f.limit,
                             [&](std::uint64_t n, std::string_view v) -> std::optional<WebhookItem> {
                               auto q = domain::decode_quarantined(v);
                               if (!q) return damaged(f, quarantine_id(n), q.error());
                               auto s = summary_of(*q);
                               if (!f.matches(s)) return std::nullopt;
                               return WebhookItem{quarantine_id(n), std::move(s), {}};
                             });
  if (!quarantined) return quarantined.error();

  // Merge newest first; each source resumes after the last item it gave to this page.
  WebhookPage page;
  auto& a = accepted->items;
  auto& q = quarantined->items;
  std::size_t ia = 0, iq = 0;
  while (page.items.size() < f.limit && (ia < a.size() || iq < q.size())) {
    bool take_a = iq == q.size() || (ia < a.size() && a[ia].second.summary.received_at >= q[iq].second.summary.received_at);
    page.items.push_back(std::move(take_a ? a[ia++].second : q[iq++].second));
  }
  Cursor next;
  next.accepted = ia < a.size() ? a[ia].first : accepted->resume;
  next.quarantined = iq < q.size() ? q[iq].first : quarantined->resume;
  if (!want_accepted) next.accepted = 0;
  if (!want_quarantined) next.quarantined = 0;
  if (next.accepted != 0 || next.quarantined != 0) page.next_cursor = format_cursor(next);
  return page;
}

Result<std::optional<WebhookDetail>> WebhookQueries::find(const std::string& id) const {
  auto number = [&](std::size_t prefix) -> std::optional<std::uint64_t> {
    std::uint64_t n = 0;
    auto digits = std::string_view(id).substr(prefix);
    if (digits.empty() || std::from_chars(digits.data(), digits.data() + digits.size(), n).ptr != digits.data() + digits.size())
      return std::nullopt;
    return n;
  };
  // A record that does not decode is shown as such (data loss), not failed as a storage error.
  auto damaged_detail = [&](const Error& e) -> Result<std::optional<WebhookDetail>> {
    if (e.code != Errc::data_loss) return e;
    return std::optional<WebhookDetail>(WebhookDetail{WebhookItem{id, {}, e.message}, {}, {}, {}, {}});
  };
  if (id.rfind("q_", 0) == 0) {
    auto n = number(2);
    if (!n) return std::optional<WebhookDetail>();
    auto raw = log_.get(storage::Family::quarantine, storage::keys::be64(*n));
    if (!raw) return raw.error();
    if (!raw->has_value()) return std::optional<WebhookDetail>();
    auto q = domain::decode_quarantined(**raw);
    if (!q) return damaged_detail(q.error());
    WebhookDetail d{WebhookItem{id, summary_of(*q), {}}, q->body, q->query, {}, q->reason};
    return std::optional<WebhookDetail>(std::move(d));
  }
  if (id.rfind("wh_", 0) != 0) return std::optional<WebhookDetail>();
  auto seq = number(3);
  if (!seq) return std::optional<WebhookDetail>();
  auto row = log_.get(storage::Family::webhooks, storage::keys::be64(*seq));
  if (!row) return row.error();
  if (!row->has_value()) return std::optional<WebhookDetail>();
  auto summary = domain::decode_webhook_summary(**row);
  if (!summary) return damaged_detail(summary.error());
  auto first = log_.read(*seq);
  if (!first) return damaged_detail(first.error());
  if (!first->has_value()) return damaged_detail(Error{Errc::data_loss, id + " is indexed but its event is missing"});
  auto received = events::webhook_received_from_json((*first)->envelope.data);
  if (!received) return damaged_detail(received.error());
  auto history = log_.read_stream((*first)->envelope.stream, 1, 10'000);
  if (!history) return damaged_detail(history.error());
  WebhookDetail d{WebhookItem{id, std::move(*summary), {}}, std::move(received->body), std::move(received->query),
                  std::move(*history), {}};
  return std::optional<WebhookDetail>(std::move(d));
}

}  // namespace bitacora::actors
