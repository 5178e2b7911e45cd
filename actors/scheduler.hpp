// The timer scheduler (DESIGN.md "Time"): fires the durable timers of the `timers` family.
//
// Timers are rows written in the same batch as the event that schedules them; the scheduler loads
// them all when it starts (overdue ones fire at once) and is told of new ones with `schedule()`
// after their batch is durable. It wakes at the next due time with a short CAF delayed_send (at
// most kMaxSleep, so it never pins shutdown), hands each due timer to the handler of its kind, and
// forgets it when the handler reports it done. The handler deletes the row in the same batch as
// the event it causes, so a crash never fires a timer twice; a handler that fails is retried
// after kRetryDelay.
//
// Wiring is one-phase: the scheduler is made first and handed to those whose timers it fires
// (their handlers need it, to schedule the next row), then started with their handlers. From
// construction it takes schedule() and forget() — kept in order in its actor's mailbox, so a row
// told or forgotten before start() is neither lost nor brought back by the rows start() loads.
//
// Thread-safety: schedule(), forget(), started() and pending() may be called from any thread
// (they message, or read what is published by, the scheduler's one CAF actor); start() and stop()
// by its owner. Its messages are plain structs with inspect() (add_messages registers them).
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

  // Spawns the scheduler's actor: it takes schedule() and forget() at once, and fires nothing
  // until start().
  Scheduler(caf::actor_system& system, ActorDeps& deps);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Loads every stored timer (on the caller's thread: start-up, before the server listens) and
  // starts firing, looking handlers up by kind. Once; Errc::data_loss for a malformed row.
  [[nodiscard]] Status start(std::map<std::string, TimerHandler> handlers);
  // Registers the scheduler's messages with the actor system's configuration.
  static void add_messages(caf::actor_system_config& cfg);

  // A timer row is now durable (its batch committed): fire it when due.
  void schedule(std::string key, Micros due, std::string kind, std::string target, std::string payload);
  // A timer row was deleted by someone else's batch: forget it.
  void forget(std::string key);
  // True once the scheduler has taken the timers it loaded and handed each overdue one to its
  // handler. Before, pending() counts only the rows it was told of, whatever the log holds.
  [[nodiscard]] bool started() const noexcept { return shared_->started.load(); }
  // Timers waiting or being handled.
  [[nodiscard]] std::size_t pending() const noexcept { return shared_->pending.load(); }
  void stop();

  // What the scheduler's actor and its owner share. The handlers are written by start() before
  // it sends the message that starts the actor, and only read by the actor after it: the mailbox
  // orders the two.
  struct Shared {
    std::atomic<std::size_t> pending{0};
    std::atomic<bool> started{false};
    std::map<std::string, TimerHandler> handlers;
  };

 private:
  ActorDeps& deps_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  const caf::actor actor_;  // never reset: a message after stop() goes nowhere
  std::atomic<bool> start_called_{false};
  std::atomic<bool> stopped_{false};
};

}  // namespace bitacora::actors
