// Where may RocksDB be read? (docs/design.md "Threads and messages", "Where RocksDB is read".)
//
// Measures, on a real log in a temporary directory, the reads bitacora's actors make inline:
//   - the webhook processor's three point reads (dedupe row, first event, index row), and
//   - an aggregate's wake-up (its snapshot row, then its stream's tail after it: up to
//     snapshots.every_events events, 100 by default),
// each done inline by the thread that needs it, against the same-run baseline of handing the
// same read to a reader (a detached CAF actor: its own thread) and getting the answer back as a
// message, which is what moving reads off the CAF workers would cost. The hop alone (a reader
// that reads nothing) is printed too. Prints p50/p99/mean in µs for each.
#include <CLI/CLI.hpp>
#include <caf/all.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <random>
#include <string>
#include <vector>

#include "storage/keys.hpp"
#include "storage/log.hpp"
#include "storage/writer.hpp"
#include "support/metrics.hpp"
#include "support/time.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora;

namespace {

struct Figures {
  double p50 = 0, p99 = 0, mean = 0;
};

Figures figures(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double u : us) sum += u;
  return {us[us.size() / 2], us[std::min(us.size() - 1, us.size() * 99 / 100)], sum / static_cast<double>(us.size())};
}

void print(const char* what, const Figures& f) {
  std::printf("  %-44s p50 %8.2f µs   p99 %8.2f µs   mean %8.2f µs\n", what, f.p50, f.p99, f.mean);
}

std::string body_of(std::size_t bytes, std::mt19937_64& rng) {
  std::string s = R"({"payload":")";
  while (s.size() + 2 < bytes) s.push_back(static_cast<char>('a' + rng() % 26));
  return s + "\"}";
}

// Appends and waits for durability; exits on failure (a benchmark has nothing to report then).
void append_all(storage::LogWriter& writer, std::vector<storage::AppendRequest> requests) {
  std::vector<std::future<bool>> done;
  done.reserve(requests.size());
  for (auto& r : requests) {
    auto p = std::make_shared<std::promise<bool>>();
    done.push_back(p->get_future());
    writer.append(std::move(r), [p](Result<storage::AppendOutcome> out) { p->set_value(out.ok()); });
  }
  for (auto& f : done)
    if (!f.get()) {
      std::fprintf(stderr, "seeding the log failed\n");
      std::exit(1);
    }
}

// One read, as an actor would make it: returns something so it cannot be optimised away.
using Read = std::function<std::size_t(std::size_t i)>;

// The reader: a detached actor (its own thread) answering each request with what it read.
caf::behavior reader(caf::event_based_actor*, Read read) {
  return {[read](std::size_t i) { return read(i); }};
}

template <class F>
std::vector<double> timed(std::size_t n, F&& f) {
  std::vector<double> us;
  us.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f(i);
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  return us;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Inline RocksDB reads against handing them to a reader actor and back (same run)"};
  std::size_t webhooks = 20'000, products = 500, tail = 100, body_bytes = 1024, samples = 20'000;
  app.add_option("--webhooks", webhooks, "webhooks seeded (a ~1 KB event, a dedupe row and an index row each)")
      ->check(CLI::Range(1, 10'000'000));
  app.add_option("--products", products, "product streams seeded")->check(CLI::Range(1, 1'000'000));
  app.add_option("--tail", tail, "events per product stream: the tail a wake-up folds after its snapshot")
      ->check(CLI::Range(1, 100'000));
  app.add_option("--body-bytes", body_bytes, "bytes of each webhook's body")->check(CLI::Range(16, 1 << 20));
  app.add_option("--samples", samples, "reads timed for each figure")->check(CLI::Range(100, 10'000'000));
  CLI11_PARSE(app, argc, argv);

  testing::TempDir dir;
  storage::LogOptions options;
  options.dir = dir.str("db");
  auto log = std::move(storage::EventLog::open(options)).value();
  metrics::Registry metrics;
  auto writer = std::move(storage::LogWriter::start(*log, SystemClock::instance(), metrics)).value();

  std::mt19937_64 rng(20261205);
  std::printf("seeding: %zu webhooks of %zu B, %zu product streams of %zu events\n", webhooks, body_bytes, products, tail);
  std::vector<storage::AppendRequest> batch;
  for (std::size_t i = 0; i < webhooks; ++i) {
    storage::AppendRequest r;
    const auto key = "stripe:evt_" + std::to_string(i);
    r.events.push_back({"webhook/" + key, "WebhookReceived", body_of(body_bytes, rng)});
    r.dedupe_key = key;
    r.stream_named_by_dedupe_key = true;
    r.index_puts.push_back({storage::Index::webhooks, std::nullopt, R"({"status":"pending","attempts":0})"});
    batch.push_back(std::move(r));
    if (batch.size() == 512) append_all(*writer, std::exchange(batch, {}));
  }
  for (std::size_t v = 0; v < tail; ++v)
    for (std::size_t p = 0; p < products; ++p) {
      storage::AppendRequest r;
      r.events.push_back({"product/sku-" + std::to_string(p), "StockAdjusted",
                          R"({"delta":1,"on_hand_after":)" + std::to_string(v + 1) + R"(,"reason":"restock"})"});
      batch.push_back(std::move(r));
      if (batch.size() == 512) append_all(*writer, std::exchange(batch, {}));
    }
  append_all(*writer, std::move(batch));

  // The processor's three point reads of one webhook, by its dedupe key.
  Read webhook_reads = [&](std::size_t i) -> std::size_t {
    auto seq = log->find_dedupe("stripe:evt_" + std::to_string(i % webhooks));
    if (!seq || !seq->has_value()) std::abort();
    auto first = log->read(**seq);
    auto row = log->get(storage::Family::webhooks, storage::keys::be64(**seq));
    if (!first || !row || !first->has_value() || !row->has_value()) std::abort();
    return (*first)->envelope.data.size() + (*row)->size();
  };
  // A product's wake-up: its snapshot row (none here, as for a stream younger than its policy),
  // then its whole tail.
  Read wake_up = [&](std::size_t i) -> std::size_t {
    const auto stream = "product/sku-" + std::to_string(i % products);
    auto snap = log->get(storage::Family::snapshots, stream);
    auto evs = log->read_stream(stream, 1, SIZE_MAX);
    if (!snap || !evs || evs->size() != tail) std::abort();
    return evs->size();
  };
  Read nothing = [](std::size_t i) { return i; };

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  caf::actor_system system{cfg};
  caf::scoped_actor self{system};
  auto through = [&](const Read& read) {
    auto r = system.spawn<caf::detached>(reader, read);
    auto us = timed(samples, [&](std::size_t i) {
      self->request(r, caf::infinite, i).receive([](std::size_t) {}, [](caf::error&) { std::abort(); });
    });
    self->send_exit(r, caf::exit_reason::user_shutdown);
    return figures(std::move(us));
  };

  std::size_t sink = 0;
  auto inline_figures = [&](const Read& read) { return figures(timed(samples, [&](std::size_t i) { sink += read(i); })); };
  // Warm both paths once (block cache, page cache, the reader's thread) before timing.
  inline_figures(webhook_reads);
  inline_figures(wake_up);

  std::printf("\nthe webhook processor's three point reads (dedupe, first event, index row):\n");
  print("inline", inline_figures(webhook_reads));
  print("through a reader actor and back (baseline)", through(webhook_reads));
  std::printf("an aggregate's wake-up (snapshot row + a %zu-event tail):\n", tail);
  print("inline", inline_figures(wake_up));
  print("through a reader actor and back (baseline)", through(wake_up));
  std::printf("the hop alone (a reader that reads nothing):\n");
  print("through a reader actor and back", through(nothing));
  std::printf("(checksum %zu)\n", sink);
  writer->stop();
  return 0;
}
