// The timer scheduler on a real actor system and a real RocksDB in a temporary directory.
#include <catch2/catch.hpp>

#include <future>
#include <mutex>

#include "actors/scheduler.hpp"
#include "storage/keys.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora;
using bitacora::testing::eventually;
using bitacora::testing::TempDir;

namespace {

struct World {
  TempDir dir;
  metrics::Registry metrics;
  std::unique_ptr<storage::EventLog> log;
  std::unique_ptr<storage::LogWriter> writer;
  std::unique_ptr<actors::ActorDeps> deps;

  void open() {
    storage::LogOptions o;
    o.dir = dir.str("db");
    log = std::move(storage::EventLog::open(o)).value();
    writer = std::move(storage::LogWriter::start(*log, SystemClock::instance(), metrics)).value();
    deps = std::make_unique<actors::ActorDeps>(actors::ActorDeps{*log, *writer, SystemClock::instance(), metrics});
  }
  void close() {
    writer->stop();
    deps.reset();
    writer.reset();
    log.reset();
  }
  void put_timer(const std::string& key) {
    storage::AppendRequest r;
    r.timer_puts.emplace_back(key, "payload");
    std::promise<bool> p;
    writer->append(std::move(r), [&](Result<storage::AppendOutcome> out) { p.set_value(out.ok()); });
    REQUIRE(p.get_future().get());
  }
};

// A handler that deletes the row (as a real effect would, in its batch) and records the firing.
struct Recorder {
  std::mutex mu;
  std::vector<std::pair<std::string, Micros>> fired;  // target, when
  actors::TimerHandler handler(storage::LogWriter& writer) {
    return [this, &writer](const actors::TimerFire& t, std::function<void(bool)> done) {
      {
        std::lock_guard lock(mu);
        fired.emplace_back(t.target, SystemClock::instance().now_us());
      }
      storage::AppendRequest r;
      r.timer_deletes.push_back(t.key);
      writer.append(std::move(r), [done](Result<storage::AppendOutcome> out) { done(out.ok()); });
    };
  }
  std::size_t count() {
    std::lock_guard lock(mu);
    return fired.size();
  }
};

}  // namespace

TEST_CASE("overdue timers fire at start, future ones within a second of their due time, and none twice",
          "[actors][scheduler]") {
  World w;
  w.open();
  const Micros now = SystemClock::instance().now_us();
  w.put_timer(storage::keys::timer(static_cast<std::uint64_t>(now - 60'000'000), "test", "overdue"));
  const Micros due = now + 400'000;
  const auto future_key = storage::keys::timer(static_cast<std::uint64_t>(due), "test", "future");

  Recorder rec;
  {
    caf::actor_system_config cfg;
    caf::actor_system system{cfg};
    auto sched = actors::Scheduler::start(system, *w.deps, {{"test", rec.handler(*w.writer)}});
    REQUIRE(sched.ok());
    REQUIRE(eventually([&] { return rec.count() == 1; }));
    CHECK(rec.fired[0].first == "overdue");

    w.put_timer(future_key);
    (*sched)->schedule(future_key, due, "test", "future", "payload");
    REQUIRE(eventually([&] { return rec.count() == 2; }, std::chrono::seconds(5)));
    CHECK(rec.fired[1].first == "future");
    CHECK(rec.fired[1].second >= due);
    CHECK(rec.fired[1].second <= due + 1'000'000);
    REQUIRE(eventually([&] { return (*sched)->pending() == 0; }));
    (*sched)->stop();
  }
  w.close();

  // Both rows were deleted with their effect: a restart fires nothing again.
  w.open();
  Recorder again;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  auto sched = actors::Scheduler::start(system, *w.deps, {{"test", again.handler(*w.writer)}});
  REQUIRE(sched.ok());
  CHECK((*sched)->pending() == 0);
  CHECK(again.count() == 0);
  (*sched)->stop();
}

TEST_CASE("a timer whose handler fails is retried", "[actors][scheduler]") {
  World w;
  w.open();
  w.put_timer(storage::keys::timer(1, "flaky", "t"));
  std::atomic<int> calls{0};
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  auto sched = actors::Scheduler::start(system, *w.deps, {{"flaky", [&](const actors::TimerFire&, std::function<void(bool)> done) {
                                                            done(++calls >= 2);
                                                          }}});
  REQUIRE(sched.ok());
  REQUIRE(eventually([&] { return calls.load() >= 2; }, std::chrono::seconds(5)));
  REQUIRE(eventually([&] { return (*sched)->pending() == 0; }));
  CHECK(calls.load() == 2);
  (*sched)->stop();
}
