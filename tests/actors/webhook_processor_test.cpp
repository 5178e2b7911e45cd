// The webhook processor with the scheduler, on a real actor system and a real RocksDB in a
// temporary directory; the gateway's API is a stand-in that answers when the test says so.
#include <catch2/catch.hpp>

#include <functional>
#include <future>
#include <mutex>
#include <vector>

#include "actors/commerce.hpp"
#include "actors/scheduler.hpp"
#include "actors/webhook_inbox.hpp"
#include "actors/webhook_processor.hpp"
#include "tests/actors/log_world.hpp"
#include "tests/harness/server_process.hpp"

using namespace bitacora;
using bitacora::testing::eventually;

namespace {

// Each interpretation waits, in order of asking, until the test answers it.
struct Gateway {
  std::mutex mu;
  std::vector<std::function<void(actors::Interpretation)>> asked;

  actors::Interpreter interpreter() {
    return [this](const events::WebhookReceived&, std::function<void(actors::Interpretation)> done) {
      std::lock_guard lock(mu);
      asked.push_back(std::move(done));
    };
  }
  std::size_t calls() {
    std::lock_guard lock(mu);
    return asked.size();
  }
  void answer(std::size_t call, actors::Interpretation::Kind kind) {
    std::function<void(actors::Interpretation)> done;
    {
      std::lock_guard lock(mu);
      done = asked.at(call);
    }
    const bool failed = kind == actors::Interpretation::Kind::retryable;
    done(actors::Interpretation{kind, {}, failed ? "the gateway's API is down" : ""});
  }
};

}  // namespace

TEST_CASE("a retry row written by an attempt the scheduler fired as it started fires without a restart",
          "[actors][webhooks][scheduler]") {
  testing::LogWorld w;
  w.open();
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  actors::Scheduler sched(system, *w.deps);
  actors::Commerce commerce(system, *w.deps, sched, actors::CommerceOptions{});
  Gateway gateway;
  actors::WebhookProcessor processor(*w.deps, commerce, sched, gateway.interpreter(), {0});  // the one retry: at once
  actors::WebhookInbox inbox(*w.writer, SystemClock::instance(), w.metrics, 1024, &processor);

  // A webhook an earlier run received and never processed: its timer row is overdue.
  std::promise<bool> received;
  inbox.receive({"stripe", "stripe:evt_1", "payment_intent.succeeded", "", "", "{}"},
                [&](Result<actors::ReceiveResult> r) { received.set_value(r.ok()); });
  REQUIRE(received.get_future().get());

  // As app/serve.cpp starts: the scheduler fires the overdue row as it starts. That attempt
  // fails, and its batch makes the retry row durable, due at once: the scheduler is told of it.
  REQUIRE(sched.start({{actors::kWebhookTimer, processor.handler()}}).ok());
  REQUIRE(eventually([&] { return gateway.calls() == 1; }));
  gateway.answer(0, actors::Interpretation::Kind::retryable);
  REQUIRE(eventually([&] { return gateway.calls() == 2; }, std::chrono::seconds(5)));
  gateway.answer(1, actors::Interpretation::Kind::no_effect);
  REQUIRE(eventually([&] { return w.writer->counter(actors::WebhookInbox::kSucceededCounter) == 1; }));
  CHECK(w.writer->counter(actors::WebhookInbox::kPendingCounter) == 0);
  REQUIRE(eventually([&] { return sched.pending() == 0; }));
  CHECK(gateway.calls() == 2);
  sched.stop();
  commerce.stop();
}
