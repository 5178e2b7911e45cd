#include "tests/harness/seed_log.hpp"

#include <rocksdb/db.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "domain/cart.hpp"
#include "storage/log.hpp"
#include "storage/writer.hpp"

namespace bitacora::testing {

std::uint64_t seed_carts(const std::string& data_dir, std::uint64_t carts, std::uint64_t events_per_cart) {
  // No Catch assertions here: benchmarks seed logs too, outside any test case.
  auto check = [](bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("seed_carts: ") + what);
  };
  storage::LogOptions options;
  options.dir = data_dir;
  options.sync = false;
  auto log = storage::EventLog::open(options);
  check(log.ok(), "cannot open the log");
  metrics::Registry metrics;
  auto writer = storage::LogWriter::start(**log, SystemClock::instance(), metrics);
  check(writer.ok(), "cannot start the writer");

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
  check(!failed.load(), "an append failed");
  check((*log)->db()->SyncWAL().ok(), "cannot sync the WAL");
  return (*writer)->last_seq();
}

}  // namespace bitacora::testing
