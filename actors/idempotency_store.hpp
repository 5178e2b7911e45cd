// The answers given to requests that carried an Idempotency-Key (docs/api.md "Idempotency"):
// kept durably in the log's `idempotency` family, one row per (caller, key), for a configurable
// time, so a repeat of the request gets the first answer again instead of acting twice. What is
// stored and when is the HTTP layer's decision (http/idempotency.hpp); this is the table.
//
// find() and sweep() read RocksDB: call them from the blocking pool. save() is answered once the
// row is durable (fsync'd in the writer's group commit).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/log.hpp"
#include "storage/writer.hpp"
#include "support/result.hpp"
#include "support/time.hpp"

namespace bitacora::actors {

struct StoredAnswer {
  std::string fingerprint;  // of the request it answered (method, target, body)
  Micros at = 0;            // when it was stored
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // the few worth replaying (Content-Type, ETag, Location)
  std::string body;
};

[[nodiscard]] std::string encode_answer(const StoredAnswer& a);
[[nodiscard]] std::optional<StoredAnswer> decode_answer(std::string_view bytes);

class IdempotencyStore {
 public:
  IdempotencyStore(storage::EventLog& log, storage::LogWriter& writer, const Clock& clock, Micros ttl);

  // The row of a caller's key: a fixed-size digest, so neither may shape the table's keys.
  [[nodiscard]] static std::string row_key(std::string_view scope, std::string_view key);

  // The answer stored under `row`, unless it is older than the time to live (then nullopt, as if
  // it had never been stored). A row that does not decode counts as absent.
  [[nodiscard]] Result<std::optional<StoredAnswer>> find(const std::string& row) const;
  void save(const std::string& row, StoredAnswer answer, std::function<void(Status)> done);
  // Deletes the rows past their time to live; returns how many. At most `max_rows` per call.
  [[nodiscard]] Result<std::size_t> sweep(std::size_t max_rows = 10'000);

  [[nodiscard]] Micros ttl() const noexcept { return ttl_; }
  [[nodiscard]] const Clock& clock() const noexcept { return clock_; }

 private:
  storage::EventLog& log_;
  storage::LogWriter& writer_;
  const Clock& clock_;
  Micros ttl_;
};

}  // namespace bitacora::actors
