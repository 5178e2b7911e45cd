#include "tests/harness/seed_log.hpp"

#include <rocksdb/db.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "domain/cart.hpp"
#include "storage/log.hpp"
#include "storage/writer.hpp"

namespace bitacora::testing {
namespace {

// No Catch assertions here: benchmarks seed logs too, outside any test case.
void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

// The log in `data_dir` and a writer over it, without a server. `who` names the caller in errors.
struct Seeder {
  Seeder(const std::string& data_dir, bool sync, const std::string& who) {
    storage::LogOptions options;
    options.dir = data_dir;
    options.sync = sync;
    auto opened = storage::EventLog::open(options);
    check(opened.ok(), who + ": cannot open the log");
    log = std::move(*opened);
    auto started = storage::LogWriter::start(*log, SystemClock::instance(), metrics);
    check(started.ok(), who + ": cannot start the writer");
    writer = std::move(*started);
  }

  metrics::Registry metrics;
  std::unique_ptr<storage::EventLog> log;
  std::unique_ptr<storage::LogWriter> writer;
};

}  // namespace

std::uint64_t seed_carts(const std::string& data_dir, std::uint64_t carts, std::uint64_t events_per_cart) {
  Seeder seeder(data_dir, false, "seed_carts");
  auto& writer = *seeder.writer;

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
    writer.append(std::move(req), [&](Result<storage::AppendOutcome> r) {
      if (!r) failed = true;
      std::lock_guard g(mu);
      --in_flight;
      cv.notify_all();
    });
  }
  writer.stop();
  check(!failed.load(), "seed_carts: an append failed");
  check(seeder.log->db()->SyncWAL().ok(), "seed_carts: cannot sync the WAL");
  return writer.last_seq();
}

std::uint64_t append_undecided(const std::string& data_dir, const std::vector<storage::NewEvent>& events) {
  Seeder seeder(data_dir, true, "append_undecided");
  auto& writer = *seeder.writer;
  for (const auto& e : events) {
    storage::AppendRequest req;
    req.events.push_back(e);
    std::promise<bool> done;
    writer.append(std::move(req), [&](Result<storage::AppendOutcome> r) { done.set_value(r.ok()); });
    check(done.get_future().get(), "append_undecided: an append failed");
  }
  writer.stop();
  return writer.last_seq();
}

}  // namespace bitacora::testing
