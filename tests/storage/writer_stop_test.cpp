// Stopping the log writer: under a full queue, from several threads, from its own callbacks.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <thread>
#include <vector>

#include "tests/storage/writer_fixture.hpp"

using namespace bitacora;
using namespace bitacora::testing;

TEST_CASE("stopping the writer while its queue is full answers each append once, and stores exactly those acknowledged",
          "[storage][writer]") {
  // Appenders that never wait outrun the fsync'd writer until its queue is full, and go on being
  // refused for overload while stop() runs; appends after it are refused as shutting down, those
  // queued before it are written. (Under ThreadSanitizer, this is the test that showed a refusal
  // reading stopping_ after the writer's lock was released, racing with stop().)
  constexpr int kThreads = 3, kPerThread = 100'000;
  enum Kind : int { unanswered, acknowledged, overloaded, shutting_down, other };
  struct Answer {
    std::atomic<int> count{0};
    std::atomic<int> kind{unanswered};
    std::atomic<events::Seq> seq{0};
  };
  std::vector<Answer> answers(kThreads * kPerThread);  // by request id, t * kPerThread + i
  std::atomic<int> refused_for_overload{0}, threads_done{0};
  WriterFixture fx;
  {
    auto log = fx.open();
    auto writer = fx.writer(*log);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          const int id = t * kPerThread + i;
          writer->append(one_event("test/" + std::to_string(t), "{\"id\":" + std::to_string(id) + "}"),
                         [&answers, &refused_for_overload, id](Result<storage::AppendOutcome> r) {
                           auto& a = answers[static_cast<std::size_t>(id)];
                           if (r) {
                             a.seq = r->first_seq;
                             a.kind = acknowledged;
                           } else if (r.error().message == "the log writer is overloaded") {
                             a.kind = overloaded;
                             ++refused_for_overload;
                           } else {
                             a.kind = r.error().message == "the log is shutting down" ? shutting_down : other;
                           }
                           ++a.count;
                         });
        }
        ++threads_done;
      });
    }
    // Polled, not slept on: stop() comes once the queue has been full for a while, while appends
    // are still being refused for it.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (refused_for_overload < 1000 && threads_done < kThreads && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    writer->stop();
    for (auto& t : threads) t.join();
  }

  std::map<int, int> by_kind;
  for (const auto& a : answers) {
    REQUIRE(a.count.load() == 1);  // every append answered, once
    ++by_kind[a.kind.load()];
  }
  INFO("acknowledged " << by_kind[acknowledged] << ", overloaded " << by_kind[overloaded] << ", shutting down "
                       << by_kind[shutting_down]);
  CHECK(by_kind[other] == 0);
  CHECK(by_kind[acknowledged] > 0);
  CHECK(by_kind[overloaded] > 0);      // stop() came while appends were refused for overload
  CHECK(by_kind[shutting_down] > 0);   // and appends went on after it

  auto log = fx.open();
  auto stored = log->read_from(1, answers.size() + 1);
  REQUIRE(stored.ok());
  std::vector<bool> seen(answers.size(), false);
  for (const auto& ev : *stored) {
    const auto& data = ev.envelope.data;
    const auto id = static_cast<std::size_t>(std::stoi(data.substr(data.find(':') + 1)));
    REQUIRE(id < answers.size());
    CHECK_FALSE(seen[id]);  // none stored twice
    seen[id] = true;
    CHECK(answers[id].kind.load() == acknowledged);  // none stored that was refused
    CHECK(answers[id].seq.load() == ev.seq);
  }
  CHECK(stored->size() == static_cast<std::size_t>(by_kind[acknowledged]));  // none acknowledged and lost
}

TEST_CASE("stop() returns from several threads at once and from a callback on the writer's own thread",
          "[storage][writer]") {
  WriterFixture fx;
  auto log = fx.open();
  auto writer = fx.writer(*log);
  // A callback runs on the writer's thread: stop() there cannot join itself (that would throw
  // and abort), it only asks the writer to stop.
  std::promise<bool> first;
  writer->append(one_event("test/a", "{}"), [&](Result<storage::AppendOutcome> r) {
    writer->stop();
    first.set_value(r.ok());
  });
  CHECK(first.get_future().get());
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 4; ++i) stoppers.emplace_back([&] { writer->stop(); });
  for (auto& t : stoppers) t.join();
  std::promise<bool> after;
  writer->append(one_event("test/a", "{}"), [&](Result<storage::AppendOutcome> r) { after.set_value(r.ok()); });
  CHECK_FALSE(after.get_future().get());  // the writer is gone: refused, and answered
  CHECK(*log->last_seq() == 1);
}
