// The log writer on a real RocksDB in a temporary directory.
#include <catch2/catch.hpp>

#include <rocksdb/db.h>
#include <sys/resource.h>

#include <csignal>
#include <ctime>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "storage/keys.hpp"
#include "storage/log.hpp"
#include "storage/writer.hpp"
#include "support/crypto.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/storage/writer_fixture.hpp"

using namespace bitacora;
using namespace bitacora::testing;


TEST_CASE("every append acknowledged by concurrent appenders is readable after reopening, densely sequenced",
          "[storage][writer]") {
  WriterFixture fx;
  constexpr int kThreads = 8, kPerThread = 250;
  std::mutex mu;
  std::map<events::Seq, std::string> acked;  // seq → data
  {
    auto log = fx.open();
    auto writer = fx.writer(*log);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          auto data = "{\"t\":" + std::to_string(t) + ",\"i\":" + std::to_string(i) + "}";
          auto r = append_and_wait(*writer, one_event("test/" + std::to_string(t), data));
          REQUIRE(r.ok());
          std::lock_guard lock(mu);
          acked[r->first_seq] = data;
        }
      });
    }
    for (auto& t : threads) t.join();
    writer->stop();
    CHECK(fx.metrics.counter("bitacora_fsync_batches_total", "").value() < kThreads * kPerThread);  // batching happened
  }
  auto log = fx.open();
  auto all = log->read_from(1, 100000);
  REQUIRE(all.ok());
  REQUIRE(all->size() == acked.size());
  REQUIRE(acked.size() == kThreads * kPerThread);
  events::Seq expected = 1;
  for (const auto& ev : *all) {
    CHECK(ev.seq == expected++);
    CHECK(ev.envelope.data == acked.at(ev.seq));
  }
  // Per-stream versions are dense too, in append order.
  auto stream = log->read_stream("test/3", 1, 1000);
  REQUIRE(stream.ok());
  REQUIRE(stream->size() == kPerThread);
  for (std::size_t i = 0; i < stream->size(); ++i) {
    CHECK((*stream)[i].envelope.stream_version == i + 1);
    CHECK((*stream)[i].envelope.data == "{\"t\":3,\"i\":" + std::to_string(i) + "}");
  }
  CHECK(*log->last_seq() == kThreads * kPerThread);
}

TEST_CASE("a duplicate dedupe key appends nothing and names the original", "[storage][writer]") {
  WriterFixture fx;
  auto log = fx.open();
  auto writer = fx.writer(*log);
  auto req = one_event("webhook/k1", "{}");
  req.dedupe_key = "k1";
  auto first = append_and_wait(*writer, req);
  REQUIRE(first.ok());
  CHECK_FALSE(first->duplicate);
  auto second = append_and_wait(*writer, req);
  REQUIRE(second.ok());
  CHECK(second->duplicate);
  CHECK(second->first_seq == first->first_seq);
  CHECK(*log->last_seq() == 1);
}

TEST_CASE("duplicates inside one batch are recognised against each other", "[storage][writer]") {
  WriterFixture fx;
  auto log = fx.open();
  auto writer = fx.writer(*log);
  std::vector<std::future<Result<storage::AppendOutcome>>> futures;
  std::vector<std::shared_ptr<std::promise<Result<storage::AppendOutcome>>>> promises;
  for (int i = 0; i < 50; ++i) {
    auto p = std::make_shared<std::promise<Result<storage::AppendOutcome>>>();
    futures.push_back(p->get_future());
    auto req = one_event("webhook/same", "{}");
    req.dedupe_key = "same";
    writer->append(std::move(req), [p](Result<storage::AppendOutcome> r) { p->set_value(std::move(r)); });
    promises.push_back(p);
  }
  int fresh = 0;
  std::set<events::Seq> seqs;
  for (auto& f : futures) {
    auto r = f.get();
    REQUIRE(r.ok());
    fresh += r->duplicate ? 0 : 1;
    seqs.insert(r->first_seq);
  }
  CHECK(fresh == 1);
  CHECK(seqs.size() == 1);
  CHECK(*log->last_seq() == 1);
}

TEST_CASE("an append whose expected version is stale is refused and appends nothing", "[storage][writer]") {
  WriterFixture fx;
  auto log = fx.open();
  auto writer = fx.writer(*log);
  REQUIRE(append_and_wait(*writer, one_event("cart/u1", "{}")).ok());
  auto req = one_event("cart/u1", "{}");
  req.expected_version = 0;
  auto r = append_and_wait(*writer, req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::conflict);
  req.expected_version = 1;
  auto ok = append_and_wait(*writer, req);
  REQUIRE(ok.ok());
  CHECK(ok->last_version == 2);
}

TEST_CASE("a bounded counter admits exactly its limit of concurrent claims, in one batch or many", "[storage][writer]") {
  WriterFixture fx;
  auto log = fx.open();
  auto writer = fx.writer(*log);
  std::vector<std::future<Result<storage::AppendOutcome>>> futures;
  std::vector<std::shared_ptr<std::promise<Result<storage::AppendOutcome>>>> promises;
  for (int i = 0; i < 40; ++i) {
    auto p = std::make_shared<std::promise<Result<storage::AppendOutcome>>>();
    futures.push_back(p->get_future());
    auto req = one_event("coupon/K5", "{}");
    req.counter_deltas.emplace_back("coupon.K5.claimed", 1);
    req.counter_limits.emplace_back("coupon.K5.claimed", 5);
    writer->append(std::move(req), [p](Result<storage::AppendOutcome> r) { p->set_value(std::move(r)); });
    promises.push_back(p);
  }
  int admitted = 0, exhausted = 0;
  for (auto& f : futures) {
    auto r = f.get();
    if (r.ok()) ++admitted;
    else if (r.error().code == Errc::exhausted) ++exhausted;
  }
  CHECK(admitted == 5);
  CHECK(exhausted == 35);
  CHECK(*log->last_seq() == 5);  // a refused request appends nothing
  CHECK(writer->counter("coupon.K5.claimed") == 5);
  // A release makes room for one more claim.
  auto release = one_event("coupon/K5", "{}");
  release.counter_deltas.emplace_back("coupon.K5.claimed", -1);
  REQUIRE(append_and_wait(*writer, release).ok());
  auto claim = one_event("coupon/K5", "{}");
  claim.counter_deltas.emplace_back("coupon.K5.claimed", 1);
  claim.counter_limits.emplace_back("coupon.K5.claimed", 5);
  CHECK(append_and_wait(*writer, claim).ok());
  CHECK(append_and_wait(*writer, claim).error().code == Errc::exhausted);
}

TEST_CASE("streams whose names share a prefix up to a NUL never read each other's events", "[storage][keys]") {
  WriterFixture fx;
  auto log = fx.open();
  auto writer = fx.writer(*log);
  const std::string victim = "cart/victim", forged("cart/victim\0ZZ", 14), escaped("cart/victim\1\1", 13);
  for (const auto& stream : {victim, forged, forged, escaped}) REQUIRE(append_and_wait(*writer, one_event(stream, "{}")).ok());
  CHECK(*log->stream_version(victim) == 1);
  CHECK(*log->stream_version(forged) == 2);
  CHECK(*log->stream_version(escaped) == 1);
  auto read = log->read_stream(victim, 1, 100);
  REQUIRE(read.ok());
  REQUIRE(read->size() == 1);
  CHECK(read->front().envelope.stream == victim);
  // Names without 0x00 or 0x01 are keyed as they always were: old logs read the same.
  CHECK(storage::keys::stream_prefix("product/sku-1") == std::string("product/sku-1\0", 14));
  CHECK(storage::keys::stream_prefix(forged) == std::string("cart/victim\1\1ZZ\0", 16));
}

TEST_CASE("after a failed WAL write the writer answers unavailable, then reopens the log and goes on when writes fit again",
          "[storage][writer][faults]") {
  WriterFixture fx;
  auto log = fx.open();
  auto writer = fx.writer(*log);
  for (int i = 0; i < 5; ++i) REQUIRE(append_and_wait(*writer, one_event("test/a", "{}")).ok());

  // This process may grow no file: the WAL append fails (SIGXFSZ ignored, as `serve` does).
  auto previous = std::signal(SIGXFSZ, SIG_IGN);
  rlimit saved{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
  rlimit none{0, saved.rlim_max};
  REQUIRE(setrlimit(RLIMIT_FSIZE, &none) == 0);
  auto failed = append_and_wait(*writer, one_event("test/a", "{}"));
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == Errc::unavailable);
  CHECK_FALSE(writer->healthy());
  CHECK_FALSE(append_and_wait(*writer, one_event("test/a", "{}")).ok());  // fails fast, nothing written

  REQUIRE(setrlimit(RLIMIT_FSIZE, &saved) == 0);
  std::signal(SIGXFSZ, previous);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!writer->healthy() && std::chrono::steady_clock::now() < until) {
    struct timespec ts{0, 10'000'000};
    nanosleep(&ts, nullptr);  // polling the writer's own recovery, once a second at most
  }
  REQUIRE(writer->healthy());
  auto after = append_and_wait(*writer, one_event("test/a", "{}"));
  REQUIRE(after.ok());
  CHECK(after->first_seq == 6);  // dense: the failed appends took no sequence
  CHECK(after->last_version == 6);
  writer->stop();
  writer.reset();
  log.reset();  // a clean close after a reopen: no abort
  auto reopened = fx.open();
  CHECK(*reopened->last_seq() == 6);
}

TEST_CASE("the quarantine keeps at most its configured number of records, dropping the oldest", "[storage][writer]") {
  WriterFixture fx;
  fx.options.quarantine_max_events = 5;
  auto log = fx.open();
  {
    auto writer = fx.writer(*log);
    for (int i = 1; i <= 12; ++i) writer->quarantine({"record " + std::to_string(i)});
    writer->stop();
    CHECK(writer->quarantined() == 5);
  }
  std::vector<std::string> kept;
  REQUIRE(log->scan(storage::Family::quarantine, std::nullopt, false, [&](std::string_view, std::string_view v) {
    kept.emplace_back(v);
    return true;
  }).ok());
  CHECK(kept == std::vector<std::string>{"record 8", "record 9", "record 10", "record 11", "record 12"});
}

TEST_CASE("counters move with their appends and survive a reopen", "[storage][writer]") {
  WriterFixture fx;
  {
    auto log = fx.open();
    auto writer = fx.writer(*log);
    for (int i = 0; i < 3; ++i) {
      auto req = one_event("s/" + std::to_string(i), "{}");
      req.counter_deltas.emplace_back("things", 2);
      REQUIRE(append_and_wait(*writer, req).ok());
    }
    CHECK(writer->counter("things") == 6);
  }
  auto log = fx.open();
  CHECK(*log->counter("things") == 6);
  auto writer = fx.writer(*log);
  CHECK(writer->counter("things") == 6);
  CHECK(writer->last_seq() == 3);
}

TEST_CASE("a read-only open sits beside a writer and sees what was durable when it opened", "[storage]") {
  WriterFixture fx;
  auto log = fx.open();
  auto writer = fx.writer(*log);
  REQUIRE(append_and_wait(*writer, one_event("s/1", "{\"a\":1}")).ok());
  auto ro = storage::EventLog::open(fx.options, storage::OpenMode::read_only);
  REQUIRE(ro.ok());
  auto ev = (*ro)->read(1);
  REQUIRE(ev.ok());
  REQUIRE(ev->has_value());
  CHECK((*ev)->envelope.data == "{\"a\":1}");
}

TEST_CASE("timers are stored with their event, in due order, and deleted with the event they cause",
          "[storage][writer][timers]") {
  WriterFixture fx;
  auto log = fx.open();
  auto writer = fx.writer(*log);
  auto place = one_event("order/B", "{}");
  place.timer_puts.emplace_back(storage::keys::timer(2'000, "expire", "order/B"), "B");
  REQUIRE(append_and_wait(*writer, place).ok());
  auto place_a = one_event("order/A", "{}");
  place_a.timer_puts.emplace_back(storage::keys::timer(1'000, "expire", "order/A"), "A");
  REQUIRE(append_and_wait(*writer, place_a).ok());

  auto due_order = [&] {
    std::vector<std::string> targets;
    REQUIRE(log->scan(storage::Family::timers, std::nullopt, false, [&](std::string_view k, std::string_view) {
      auto parts = storage::keys::read_timer(k);
      REQUIRE(parts);
      CHECK(parts->kind == "expire");
      targets.emplace_back(parts->target);
      return true;
    }).ok());
    return targets;
  };
  CHECK(due_order() == std::vector<std::string>{"order/A", "order/B"});

  auto fire = one_event("order/A", "{\"expired\":true}");
  fire.timer_deletes.push_back(storage::keys::timer(1'000, "expire", "order/A"));
  REQUIRE(append_and_wait(*writer, fire).ok());
  CHECK(due_order() == std::vector<std::string>{"order/B"});
}

TEST_CASE("each stored event holds the hash of the one before it, across batches and restarts", "[storage][chain]") {
  WriterFixture fx;
  {
    auto log = fx.open();
    auto writer = fx.writer(*log);
    storage::AppendRequest two = one_event("s/1", "{}");
    two.events.push_back({"s/2", "TestHappened", "{}"});
    REQUIRE(append_and_wait(*writer, std::move(two)).ok());
    REQUIRE(append_and_wait(*writer, one_event("s/1", R"({"n":3})")).ok());
  }
  auto log = fx.open();
  auto writer = fx.writer(*log);
  REQUIRE(append_and_wait(*writer, one_event("s/3", R"({"n":4})")).ok());
  writer->stop();

  auto start = log->chain_start();
  REQUIRE(start.ok());
  CHECK(**start == 1);
  std::string prev(32, '\0');
  events::Seq seen = 0;
  REQUIRE(log->for_each_event(1, [&](events::Seq seq, std::string_view bytes) {
    auto env = events::decode_envelope(bytes);
    REQUIRE(env.ok());
    CHECK(env->prev_hash == prev);
    prev = crypto::sha256_bytes(bytes);
    seen = seq;
    return true;
  }).ok());
  CHECK(seen == 4);
  auto head = log->get(storage::Family::meta, std::string(storage::kChainHeadKey));
  REQUIRE(head.ok());
  REQUIRE(head->has_value());
  CHECK(**head == prev);
}

TEST_CASE("an append reports the version it left every stream at, and snapshot rows ride in its batch", "[storage][writer]") {
  WriterFixture fx;
  auto log = fx.open();
  auto writer = fx.writer(*log);
  REQUIRE(append_and_wait(*writer, one_event("p/a", "{}")).ok());
  storage::AppendRequest r = one_event("o/1", "{}");
  r.events.push_back({"p/a", "TestHappened", "{}"});
  r.events.push_back({"p/b", "TestHappened", "{}"});
  r.events.push_back({"p/a", "TestHappened", "{}"});
  r.snapshot_puts.emplace_back("p/a", "snap-bytes");
  auto out = append_and_wait(*writer, std::move(r));
  REQUIRE(out.ok());
  CHECK(out->head_of("o/1") == 1);
  CHECK(out->head_of("p/a") == 3);
  CHECK(out->head_of("p/b") == 1);
  CHECK(out->head_of("p/none") == 0);
  auto snap = log->get(storage::Family::snapshots, "p/a");
  REQUIRE(snap.ok());
  CHECK(snap->value_or("") == "snap-bytes");

  storage::AppendRequest only_snapshot;
  only_snapshot.snapshot_puts.emplace_back("p/b", "later");
  REQUIRE(append_and_wait(*writer, std::move(only_snapshot)).ok());
  CHECK(*log->last_seq() == 5);  // a snapshot alone appends no event
  CHECK(log->get(storage::Family::snapshots, "p/b")->value_or("") == "later");
}

// Audit, replay and export run beside the server. While it appends, the server flushes memtables
// to table files and deletes the WAL files they came from. A view opened across such a flush must
// still be the log at one moment: every event up to its last one, and the `meta` rows written
// with that last event (the chain head), never a gap or a row from another moment.
TEST_CASE("a read-only view opened while the server flushes and drops WAL files sees the log at one moment",
          "[storage][read_only]") {
  WriterFixture fx;
  auto log = fx.open();
  auto writer = fx.writer(*log);
  std::atomic<bool> stop{false};
  std::atomic<int> flushes{0};
  std::thread server([&] {
    std::vector<rocksdb::ColumnFamilyHandle*> all;
    for (auto f : {storage::Family::events, storage::Family::streams, storage::Family::meta}) all.push_back(log->handle(f));
    for (int i = 0; !stop; ++i) {
      storage::AppendRequest r;
      for (int k = 0; k < 50; ++k) r.events.push_back({"s/" + std::to_string(k), "TestHappened", "{}"});
      if (!append_and_wait(*writer, std::move(r)).ok()) break;
      if (i % 200 == 199 && log->db()->Flush(rocksdb::FlushOptions(), all).ok()) ++flushes;
    }
  });
  // What is wrong with one view, or "" (no Catch assertion while the writer thread runs).
  auto check_view = [&]() -> std::string {
    auto view = storage::EventLog::open(fx.options, storage::OpenMode::read_only);
    if (!view) return view.error().message;  // without the fix, often "log has no format version"
    auto last = (*view)->last_seq();
    auto head = (*view)->get(storage::Family::meta, std::string(storage::kChainHeadKey));
    if (!last || !head) return "a read failed";
    events::Seq expected = 1;
    std::string problem, last_bytes;
    auto s = (*view)->for_each_event(1, [&](events::Seq seq, std::string_view bytes) {
      if (seq != expected) problem = "expected seq " + std::to_string(expected) + ", read " + std::to_string(seq);
      expected = seq + 1;
      last_bytes = bytes;
      return problem.empty();
    });
    if (!s) return s.error().message;
    if (!problem.empty()) return problem;
    if (expected != *last + 1) return "the events end before the last seq";
    if (*last > 0 && head->value_or("") != crypto::sha256_bytes(last_bytes))
      return "the chain head is not the hash of event " + std::to_string(*last);
    return "";
  };
  int views = 0;
  std::string problem;
  // Without the WAL check in EventLog::open, this failed within a few flushes: "expected seq 10051,
  // read 20051" (one flushed memtable missing).
  for (; problem.empty() && (views < 30 || flushes < 10) && views < 2000; ++views) problem = check_view();
  stop = true;
  server.join();
  INFO(views << " views opened across " << flushes << " flushes");
  CHECK(problem == "");
  CHECK(flushes >= 10);
}
