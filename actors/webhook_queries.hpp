// WebhookQueries: the read side of API.md §2 — list webhook events with filters and a cursor, and
// show one with its payload and history. Reads the `webhooks` index and the quarantine.
//
// Blocking: every call reads RocksDB. Call from a blocking pool, never an I/O or CAF worker thread.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/webhook.hpp"
#include "events/envelope.hpp"
#include "storage/log.hpp"

namespace bitacora::actors {

struct WebhookFilter {
  std::optional<domain::WebhookStatus> status;
  std::optional<std::string> gateway;
  std::optional<std::string> type;
  std::optional<std::string> reference;  // the order reference it names
  std::optional<Micros> from;            // received at or after
  std::optional<Micros> to;              // received before
  std::size_t limit = 50;               // 1..500
  std::optional<std::string> cursor;    // from a previous page's next_cursor

  [[nodiscard]] bool matches(const domain::WebhookSummary& s) const;
  [[nodiscard]] bool unfiltered() const {
    return !status && !gateway && !type && !reference && !from && !to;
  }
};

struct WebhookItem {
  std::string id;
  domain::WebhookSummary summary;
  // Why the stored row could not be read (a damaged record); empty when it was. Such a row is still
  // listed, when the listing has no filter, so that one bad row never hides the others.
  std::string undecodable;
};

struct WebhookPage {
  std::vector<WebhookItem> items;       // newest first
  std::optional<std::string> next_cursor;
};

struct WebhookDetail {
  WebhookItem item;
  std::string payload;                   // the raw body as received (truncated when quarantined)
  std::string query;
  std::vector<storage::StoredEvent> history;  // every event of its stream, oldest first
  std::string quarantine_reason;         // only for quarantined requests
};

class WebhookQueries {
 public:
  explicit WebhookQueries(const storage::EventLog& log) : log_(log) {}

  // Errc::invalid_argument for a cursor that does not decode.
  [[nodiscard]] Result<WebhookPage> list(const WebhookFilter& filter) const;
  [[nodiscard]] Result<std::optional<WebhookDetail>> find(const std::string& id) const;

  // Rows examined per source and request before a page is returned short (with a cursor).
  static constexpr std::size_t kScanBudget = 20'000;

 private:
  const storage::EventLog& log_;
};

}  // namespace bitacora::actors
