// The hash chain's cost: SHA-256 of every stored envelope, as `bitacora audit` computes it
// (crypto::sha256_each, four events at a time) against the same-run baseline of OpenSSL one message
// at a time (crypto::sha256). The messages are a log's stored envelopes (--data-dir) or random bytes
// of random lengths like an event's. Prints the best of --rounds for each.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "storage/log.hpp"
#include "support/crypto.hpp"

using namespace bitacora;

namespace {

std::vector<std::string> random_messages(std::size_t count, std::size_t min_bytes, std::size_t max_bytes) {
  std::mt19937_64 rng(20261123);
  std::uniform_int_distribution<std::size_t> length(min_bytes, max_bytes);
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string m(length(rng), '\0');
    for (auto& c : m) c = static_cast<char>(rng());
    out.push_back(std::move(m));
  }
  return out;
}

template <class F>
double best_seconds(int rounds, F&& f) {
  double best = 1e9;
  for (int r = 0; r < rounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"SHA-256 of many event-sized messages: sha256_each (as audit) against sha256 one at a time"};
  std::string data_dir;
  std::size_t count = 480'000, min_bytes = 200, max_bytes = 450;
  int rounds = 5;
  app.add_option("--data-dir", data_dir, "hash this log's stored envelopes (read-only) instead of random bytes");
  app.add_option("--count", count, "messages (random, or the log's first ones)")->check(CLI::Range(1, 100'000'000));
  app.add_option("--min-bytes", min_bytes, "shortest random message")->check(CLI::Range(0, 1 << 20));
  app.add_option("--max-bytes", max_bytes, "longest random message")->check(CLI::Range(0, 1 << 20));
  app.add_option("--rounds", rounds, "runs of each; the best is printed")->check(CLI::Range(1, 100));
  CLI11_PARSE(app, argc, argv);
  if (min_bytes > max_bytes) {
    std::fprintf(stderr, "--min-bytes is above --max-bytes\n");
    return 2;
  }

  std::vector<std::string> messages;
  if (data_dir.empty()) {
    messages = random_messages(count, min_bytes, max_bytes);
  } else {
    storage::LogOptions options;
    options.dir = data_dir;
    auto log = storage::EventLog::open(options, storage::OpenMode::read_only);
    if (!log) {
      std::fprintf(stderr, "%s\n", log.error().message.c_str());
      return 1;
    }
    auto s = (*log)->for_each_event(1, [&](events::Seq, std::string_view bytes) {
      messages.emplace_back(bytes);
      return messages.size() < count;
    });
    if (!s) {
      std::fprintf(stderr, "%s\n", s.error().message.c_str());
      return 1;
    }
  }
  if (messages.empty()) {
    std::fprintf(stderr, "%s holds no events\n", data_dir.c_str());
    return 1;
  }
  std::size_t bytes = 0;
  for (const auto& m : messages) bytes += m.size();
  std::vector<std::string_view> views(messages.begin(), messages.end());
  std::vector<crypto::Digest> one(messages.size()), each(messages.size());

  const double baseline = best_seconds(rounds, [&] {
    for (std::size_t i = 0; i < messages.size(); ++i) one[i] = crypto::sha256(messages[i]);
  });
  const double batched = best_seconds(rounds, [&] {
    for (std::size_t i = 0; i < messages.size(); i += 4) {
      const std::size_t n = std::min<std::size_t>(4, messages.size() - i);
      crypto::sha256_each(std::span(views).subspan(i, n), std::span(each).subspan(i, n));
    }
  });
  if (one != each) {
    std::fprintf(stderr, "sha256_each and sha256 disagree\n");
    return 1;
  }

  const double n = static_cast<double>(messages.size()), mb = static_cast<double>(bytes) / 1e6;
  std::printf("%zu messages, %.1f MB (%s), SHA extensions: %s, best of %d\n", messages.size(), mb,
              data_dir.empty() ? "random bytes" : data_dir.c_str(), crypto::sha_extensions() ? "yes" : "no", rounds);
  std::printf("  baseline, sha256 one at a time:  %.3f s, %.0f ns/message, %.0f MB/s\n", baseline, baseline * 1e9 / n,
              mb / baseline);
  std::printf("  sha256_each, four at a time:     %.3f s, %.0f ns/message, %.0f MB/s (%.2fx)\n", batched,
              batched * 1e9 / n, mb / batched, baseline / batched);
  return 0;
}
