// The timer scheduler on a real actor system and a real RocksDB in a temporary directory.
#include <catch2/catch.hpp>

#include <future>
#include <mutex>

#include "actors/scheduler.hpp"
#include "storage/keys.hpp"
#include "tests/actors/log_world.hpp"
#include "tests/harness/server_process.hpp"

using namespace bitacora;
using bitacora::testing::eventually;

namespace {

void put_timer(testing::LogWorld& w, const std::string& key) {
  storage::AppendRequest r;
  r.timer_puts.emplace_back(key, "payload");
  w.append(std::move(r));
}

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
  testing::LogWorld w;
  w.open();
  const Micros now = SystemClock::instance().now_us();
  put_timer(w, storage::keys::timer(static_cast<std::uint64_t>(now - 60'000'000), "test", "overdue"));
  const Micros due = now + 400'000;
  const auto future_key = storage::keys::timer(static_cast<std::uint64_t>(due), "test", "future");

  Recorder rec;
  {
    caf::actor_system_config cfg;
    caf::actor_system system{cfg};
    actors::Scheduler sched(system, *w.deps);
    REQUIRE(sched.start({{"test", rec.handler(*w.writer)}}).ok());
    REQUIRE(eventually([&] { return rec.count() == 1; }));
    CHECK(rec.fired[0].first == "overdue");

    put_timer(w, future_key);
    sched.schedule(future_key, due, "test", "future", "payload");
    REQUIRE(eventually([&] { return rec.count() == 2; }, std::chrono::seconds(5)));
    CHECK(rec.fired[1].first == "future");
    CHECK(rec.fired[1].second >= due);
    CHECK(rec.fired[1].second <= due + 1'000'000);
    REQUIRE(eventually([&] { return sched.pending() == 0; }));
    sched.stop();
  }
  w.close();

  // Both rows were deleted with their effect: a restart fires nothing again.
  w.open();
  Recorder again;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  actors::Scheduler sched(system, *w.deps);
  REQUIRE(sched.start({{"test", again.handler(*w.writer)}}).ok());
  // Started, it has taken every row it loaded and handed each overdue one to its handler; before
  // that, pending() and the handler's count are 0 whatever the log holds.
  REQUIRE(eventually([&] { return sched.started(); }));
  CHECK(sched.pending() == 0);
  CHECK(again.count() == 0);
  sched.stop();
}

TEST_CASE("rows told and forgotten before the scheduler starts are neither lost nor brought back",
          "[actors][scheduler]") {
  testing::LogWorld w;
  w.open();
  const Micros now = SystemClock::instance().now_us();
  Recorder rec;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  actors::Scheduler sched(system, *w.deps);

  // Before start: a row made durable and told (start() loads it too), and a row told and then
  // forgotten (deleted by someone's batch) whose deletion start()'s load does not see, as when the
  // load raced it.
  const auto told = storage::keys::timer(static_cast<std::uint64_t>(now - 3'000'000), "test", "told");
  put_timer(w, told);
  sched.schedule(told, now - 3'000'000, "test", "told", "payload");
  const auto forgotten = storage::keys::timer(static_cast<std::uint64_t>(now - 2'000'000), "test", "forgotten");
  put_timer(w, forgotten);
  sched.schedule(forgotten, now - 2'000'000, "test", "forgotten", "payload");
  sched.forget(forgotten);  // its row is still there when start() loads: the forget must win
  CHECK_FALSE(sched.started());
  CHECK(rec.count() == 0);  // nothing fires before start

  REQUIRE(sched.start({{"test", rec.handler(*w.writer)}}).ok());
  REQUIRE(eventually([&] { return sched.started() && rec.count() >= 1 && sched.pending() == 0; }));
  CHECK(rec.count() == 1);  // "told" once, though it was both told and loaded
  CHECK(rec.fired[0].first == "told");
  CHECK_FALSE(sched.start({{"test", rec.handler(*w.writer)}}).ok());  // once
  sched.stop();
  sched.stop();  // twice is harmless
}

TEST_CASE("a timer whose handler fails is retried", "[actors][scheduler]") {
  testing::LogWorld w;
  w.open();
  put_timer(w, storage::keys::timer(1, "flaky", "t"));
  std::atomic<int> calls{0};
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  actors::Scheduler sched(system, *w.deps);
  REQUIRE(sched.start({{"flaky", [&](const actors::TimerFire&, std::function<void(bool)> done) {
                                                            done(++calls >= 2);
                                                          }}}).ok());
  REQUIRE(eventually([&] { return calls.load() >= 2; }, std::chrono::seconds(5)));
  REQUIRE(eventually([&] { return sched.pending() == 0; }));
  CHECK(calls.load() == 2);
  sched.stop();
}
