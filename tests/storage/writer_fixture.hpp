// The log writer's tests share these: a real RocksDB in a temporary directory, and one-event appends.
#pragma once

#include <catch2/catch.hpp>

#include <future>
#include <memory>
#include <string>

#include "storage/log.hpp"
#include "storage/writer.hpp"
#include "tests/harness/temp_dir.hpp"

namespace bitacora::testing {

inline storage::AppendRequest one_event(const std::string& stream, const std::string& data) {
  storage::AppendRequest r;
  r.events.push_back({stream, "TestHappened", data});
  return r;
}

inline Result<storage::AppendOutcome> append_and_wait(storage::LogWriter& w, storage::AppendRequest r) {
  std::promise<Result<storage::AppendOutcome>> p;
  auto f = p.get_future();
  w.append(std::move(r), [&p](Result<storage::AppendOutcome> out) { p.set_value(std::move(out)); });
  return f.get();
}

struct WriterFixture {
  TempDir dir;
  storage::LogOptions options;
  metrics::Registry metrics;
  WriterFixture() { options.dir = dir.str("db"); }
  std::unique_ptr<storage::EventLog> open() {
    auto log = storage::EventLog::open(options);
    REQUIRE(log.ok());
    return std::move(log).value();
  }
  std::unique_ptr<storage::LogWriter> writer(storage::EventLog& log) {
    auto w = storage::LogWriter::start(log, SystemClock::instance(), metrics);
    REQUIRE(w.ok());
    return std::move(w).value();
  }
};

}  // namespace bitacora::testing
