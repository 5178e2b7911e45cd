// The timer scheduler (DESIGN.md "Time"): fires the durable timers of the `timers` family.
//
// Timers are rows written in the same batch as the event that schedules them; the scheduler loads
// them all at start (overdue ones fire at once) and is told of new ones with `schedule()` after
// their batch is durable. It wakes at the next due time with a short CAF delayed_send (at most
// kMaxSleep, so it never pins shutdown), hands each due timer to the handler of its kind, and
// forgets it when the handler reports it done. The handler deletes the row in the same batch as
// the event it causes, so a crash never fires a timer twice; a handler that fails is retried
// after kRetryDelay. A row made durable when no one could tell the scheduler of it (a handler's
// follow-up row, written before its owner was attached) is found by reload().
//
// Thread-safety: schedule(), forget(), reload(), started() and pending() may be called from any
// thread (they message, or read what is published by, the scheduler's one CAF actor); start() and
// stop() by its owner.
#pragma once

#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "actors/deps.hpp"

namespace bitacora::actors {

struct TimerFire {
  std::string key;  // the row's key (storage::keys::timer), to delete with the event it causes
  Micros due = 0;
  std::string kind;
  std::string target;
  std::string payload;
};

// Must call `done(true)` once the timer's effect (and the row's deletion) is durable, or
// `done(false)` to be retried. May call it from any thread.
using TimerHandler = std::function<void(const TimerFire&, std::function<void(bool done)> done)>;

class Scheduler {
 public:
  static constexpr std::chrono::milliseconds kMaxSleep{1000};
  static constexpr std::chrono::milliseconds kRetryDelay{1000};

  // Loads every stored timer and starts firing. Handlers are looked up by kind.
  [[nodiscard]] static Result<std::unique_ptr<Scheduler>> start(caf::actor_system& system, ActorDeps& deps,
                                                                std::map<std::string, TimerHandler> handlers);
  ~Scheduler();

  // A timer row is now durable (its batch committed): fire it when due.
  void schedule(std::string key, Micros due, std::string kind, std::string target, std::string payload);
  // A timer row was deleted by someone else's batch: forget it.
  void forget(std::string key);
  // Reads the timers family again and fires the rows it was never told of. Rows it knows of,
  // waiting or being handled, are left as they are; a row whose batch is not durable yet is not
  // read, and is told with schedule() as usual. It scans the whole family: for start-up, not for
  // every row.
  void reload();
  // True once the scheduler has taken the timers it loaded and handed each overdue one to its
  // handler. pending() counts from then: before, it is 0 whatever was loaded.
  [[nodiscard]] bool started() const noexcept { return shared_->started.load(); }
  // Timers waiting or being handled.
  [[nodiscard]] std::size_t pending() const noexcept { return shared_->pending.load(); }
  void stop();

  // What the scheduler's actor tells the threads that ask.
  struct Shared {
    std::atomic<std::size_t> pending{0};
    std::atomic<bool> started{false};
  };

 private:
  Scheduler() = default;
  caf::actor actor_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace bitacora::actors
