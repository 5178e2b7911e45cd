// For tests of actors without the server: a real log and writer over a temporary directory, and
// the ActorDeps actors take. Header-only, shared by tests/actors/*_test.cpp.
#pragma once

#include <catch2/catch.hpp>

#include <future>
#include <memory>

#include "actors/deps.hpp"
#include "tests/harness/temp_dir.hpp"

namespace bitacora::testing {

struct LogWorld {
  TempDir dir;
  metrics::Registry metrics;
  std::unique_ptr<storage::EventLog> log;
  std::unique_ptr<storage::LogWriter> writer;
  std::unique_ptr<actors::ActorDeps> deps;

  // Opens (or reopens, after close) the log in `dir`.
  void open() {
    storage::LogOptions o;
    o.dir = dir.str("db");
    log = std::move(storage::EventLog::open(o)).value();
    writer = std::move(storage::LogWriter::start(*log, SystemClock::instance(), metrics)).value();
    deps = std::make_unique<actors::ActorDeps>(actors::ActorDeps{*log, *writer, SystemClock::instance(), metrics});
  }
  void close() {
    if (!writer) return;
    writer->stop();
    deps.reset();
    writer.reset();
    log.reset();
  }
  ~LogWorld() { close(); }

  // Appends `r` and waits until it is durable; fails the test if it is not.
  void append(storage::AppendRequest r) {
    std::promise<bool> p;
    writer->append(std::move(r), [&](Result<storage::AppendOutcome> out) { p.set_value(out.ok()); });
    REQUIRE(p.get_future().get());
  }
};

}  // namespace bitacora::testing
