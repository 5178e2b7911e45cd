#include "tests/harness/raw_log.hpp"

#include <rocksdb/db.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>

#include "domain/cart.hpp"
#include "storage/keys.hpp"
#include "storage/log.hpp"
#include "storage/writer.hpp"

namespace bitacora::testing {
namespace {

void rewrite(const std::string& data_dir, storage::Family family, const std::string& key,
             const std::function<void(std::string&)>& change) {
  storage::LogOptions options;
  options.dir = data_dir;
  auto log = storage::EventLog::open(options);
  REQUIRE(log.ok());
  auto row = (*log)->get(family, key);
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  std::string bytes = **row;
  change(bytes);
  rocksdb::WriteOptions w;
  w.sync = true;
  REQUIRE((*log)->db()->Put(w, (*log)->handle(family), key, bytes).ok());
}

}  // namespace

void rewrite_event(const std::string& data_dir, std::uint64_t seq, const std::function<void(std::string&)>& change) {
  rewrite(data_dir, storage::Family::events, storage::keys::be64(seq), change);
}

void rewrite_snapshot(const std::string& data_dir, const std::string& stream, const std::function<void(std::string&)>& change) {
  rewrite(data_dir, storage::Family::snapshots, stream, change);
}

std::uint64_t seed_carts(const std::string& data_dir, std::uint64_t carts, std::uint64_t events_per_cart) {
  storage::LogOptions options;
  options.dir = data_dir;
  options.sync = false;
  auto log = storage::EventLog::open(options);
  REQUIRE(log.ok());
  metrics::Registry metrics;
  auto writer = storage::LogWriter::start(**log, SystemClock::instance(), metrics);
  REQUIRE(writer.ok());

  const std::string data = domain::to_json(domain::CartEvent{events::CartItemAdded{Sku("seed-sku"), 1}});
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t in_flight = 0;
  std::atomic<bool> failed{false};
  constexpr std::uint64_t kCartsPerRequest = 50, kMaxInFlight = 2000;
  for (std::uint64_t first = 0; first < carts; first += kCartsPerRequest) {
    storage::AppendRequest req;
    for (std::uint64_t cart = first; cart < std::min(carts, first + kCartsPerRequest); ++cart)
      for (std::uint64_t i = 0; i < events_per_cart; ++i)
        req.events.push_back({"cart/seed-" + std::to_string(cart), "CartItemAdded", data});
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight < kMaxInFlight; });
    ++in_flight;
    lock.unlock();
    (*writer)->append(std::move(req), [&](Result<storage::AppendOutcome> r) {
      if (!r) failed = true;
      std::lock_guard g(mu);
      --in_flight;
      cv.notify_all();
    });
  }
  (*writer)->stop();
  REQUIRE_FALSE(failed.load());
  REQUIRE((*log)->db()->SyncWAL().ok());
  return (*writer)->last_seq();
}

}  // namespace bitacora::testing
