// Sweeper: calls `sweep` every `interval` on a small CAF actor, so that idle aggregate actors are
// asked to leave memory (Registry::sweep). Its wake-ups are short delayed_sends (at most the
// interval), so it never pins shutdown. Thread-safe; stop() (or the destructor) ends it.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <functional>

namespace bitacora::actors {

class Sweeper {
 public:
  Sweeper(caf::actor_system& system, std::chrono::milliseconds interval, std::function<void()> sweep);
  ~Sweeper();
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;
  void stop();

 private:
  caf::actor actor_;
};

// How often idle actors are looked for, given the idle time: a quarter of it, between 50 ms and 1 s.
[[nodiscard]] std::chrono::milliseconds sweep_interval(std::chrono::microseconds idle);

}  // namespace bitacora::actors
