#include "actors/scheduler.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "storage/keys.hpp"
#include "support/log.hpp"

namespace bitacora::actors::scheduler_detail {

struct Schedule {
  TimerFire timer;
};
struct Forget {
  std::string key;
};
struct Done {
  std::string key;
  bool ok;
};
struct Wake {
  std::uint64_t generation;
};
struct Reload {};

}  // namespace bitacora::actors::scheduler_detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bitacora::actors::scheduler_detail::Schedule)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bitacora::actors::scheduler_detail::Forget)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bitacora::actors::scheduler_detail::Done)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bitacora::actors::scheduler_detail::Wake)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bitacora::actors::scheduler_detail::Reload)

namespace bitacora::actors {
namespace {

using namespace scheduler_detail;
constexpr Micros kNever = std::numeric_limits<Micros>::max();

spdlog::logger& log() { return module_logger("scheduler"); }

struct SchedulerState {
  struct Entry {
    TimerFire timer;
    Micros retry_at = 0;
  };
  ActorDeps* deps = nullptr;
  std::map<std::string, TimerHandler> handlers;
  std::map<std::string, Entry> timers;  // waiting; keys begin with the due time (BE): map order is due order
  std::unordered_map<std::string, Entry> in_flight;  // handed to a handler, not yet done
  std::uint64_t generation = 0;
  Micros planned_wake = kNever;
  std::shared_ptr<Scheduler::Shared> shared;
};

using SchedulerActor = caf::stateful_actor<SchedulerState>;

void plan_wake(SchedulerActor* self, Micros when) {
  auto& st = self->state;
  if (when == kNever) {
    st.planned_wake = kNever;
    return;
  }
  Micros now = st.deps->clock.now_us();
  auto delay = std::chrono::microseconds(std::clamp<Micros>(when - now, 0, std::chrono::microseconds(Scheduler::kMaxSleep).count()));
  st.planned_wake = now + delay.count();
  self->delayed_send(self, delay, Wake{++st.generation});
}

void count_pending(SchedulerState& st) { st.shared->pending = st.timers.size() + st.in_flight.size(); }

// Every row of the timers family, in due order.
Result<std::vector<TimerFire>> load_timers(const storage::EventLog& log) {
  std::vector<TimerFire> loaded;
  std::optional<Error> bad;
  auto s = log.scan(storage::Family::timers, std::nullopt, false, [&](std::string_view k, std::string_view v) {
    auto parts = storage::keys::read_timer(k);
    if (!parts) {
      bad = Error{Errc::data_loss, "a timer row has a malformed key"};
      return false;
    }
    loaded.push_back(TimerFire{std::string(k), static_cast<Micros>(parts->due_us), std::string(parts->kind),
                               std::string(parts->target), std::string(v)});
    return true;
  });
  if (!s) return s.error();
  if (bad) return *bad;
  return loaded;
}

// Fires every waiting timer that is due; only those are visited (plus any waiting out a retry).
void fire_due(SchedulerActor* self) {
  auto& st = self->state;
  const Micros now = st.deps->clock.now_us();
  Micros next = kNever;
  for (auto it = st.timers.begin(); it != st.timers.end();) {
    auto& entry = it->second;
    if (entry.timer.due > now) {  // this and every later key is not due yet
      next = std::min(next, entry.timer.due);
      break;
    }
    if (entry.retry_at > now) {
      next = std::min(next, entry.retry_at);
      ++it;
      continue;
    }
    auto handler = st.handlers.find(entry.timer.kind);
    if (handler == st.handlers.end()) {
      log().error("timer {} has kind '{}' that nothing handles; left in place", entry.timer.target, entry.timer.kind);
      entry.retry_at = kNever;
      ++it;
      continue;
    }
    auto key = it->first;
    auto& flying = st.in_flight[key] = std::move(entry);
    it = st.timers.erase(it);
    handler->second(flying.timer, [target = caf::actor_cast<caf::actor>(self), key](bool ok) {
      caf::anon_send(target, Done{key, ok});
    });
  }
  plan_wake(self, next);
}

caf::behavior scheduler_actor(SchedulerActor* self, ActorDeps* deps, std::map<std::string, TimerHandler> handlers,
                              std::vector<TimerFire> loaded, std::shared_ptr<Scheduler::Shared> shared) {
  auto& st = self->state;
  st.deps = deps;
  st.handlers = std::move(handlers);
  st.shared = std::move(shared);
  for (auto& t : loaded) {
    auto key = t.key;
    st.timers[key].timer = std::move(t);
  }
  count_pending(st);
  fire_due(self);
  st.shared->started = true;
  return {
      [self](Schedule& msg) {
        auto& s = self->state;
        Micros due = msg.timer.due;
        auto key = msg.timer.key;
        if (s.timers.count(key) || s.in_flight.count(key)) return;  // already known (loaded at start, or told twice)
        s.timers[key].timer = std::move(msg.timer);
        count_pending(s);
        if (due < s.planned_wake) plan_wake(self, due);
      },
      [self](Forget& msg) {
        auto& s = self->state;
        s.timers.erase(msg.key);  // one in flight is forgotten when its handler is done
        count_pending(s);
      },
      [self](Done& msg) {
        auto& s = self->state;
        auto it = s.in_flight.find(msg.key);
        if (it == s.in_flight.end()) return;
        if (!msg.ok) {
          auto retry_at = s.deps->clock.now_us() + std::chrono::microseconds(Scheduler::kRetryDelay).count();
          auto& back = s.timers[msg.key] = std::move(it->second);
          back.retry_at = retry_at;
          if (retry_at < s.planned_wake) plan_wake(self, retry_at);
        }
        s.in_flight.erase(it);
        count_pending(s);
      },
      [self](Wake& msg) {
        if (msg.generation != self->state.generation) return;  // a later wake-up replaced this one
        self->state.planned_wake = kNever;
        fire_due(self);
      },
      [self](Reload) {
        // Read here, between messages: a row deleted by a handler's batch is gone before its Done
        // arrives, and one whose handler is still at work is in flight, so neither comes back.
        auto& s = self->state;
        auto rows = load_timers(s.deps->log);
        if (!rows) {
          log().error("the durable timers cannot be read again: {}", rows.error().message);
          return;
        }
        std::size_t found = 0;
        for (auto& t : *rows) {
          if (s.timers.count(t.key) || s.in_flight.count(t.key)) continue;
          auto key = t.key;
          s.timers[key].timer = std::move(t);
          ++found;
        }
        count_pending(s);
        if (found == 0) return;
        log().info("{} durable timers found on reload", found);
        fire_due(self);
      },
  };
}

}  // namespace

Result<std::unique_ptr<Scheduler>> Scheduler::start(caf::actor_system& system, ActorDeps& deps,
                                                    std::map<std::string, TimerHandler> handlers) {
  auto loaded = load_timers(deps.log);
  if (!loaded) return loaded.error();
  std::unique_ptr<Scheduler> sched(new Scheduler());
  log().info("{} durable timers loaded", loaded->size());
  sched->actor_ = system.spawn(scheduler_actor, &deps, std::move(handlers), std::move(*loaded), sched->shared_);
  return sched;
}

Scheduler::~Scheduler() { stop(); }

void Scheduler::schedule(std::string key, Micros due, std::string kind, std::string target, std::string payload) {
  caf::anon_send(actor_, Schedule{TimerFire{std::move(key), due, std::move(kind), std::move(target), std::move(payload)}});
}

void Scheduler::forget(std::string key) { caf::anon_send(actor_, Forget{std::move(key)}); }

void Scheduler::reload() { caf::anon_send(actor_, Reload{}); }

void Scheduler::stop() {
  if (!actor_) return;
  caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
  actor_ = caf::actor();
}

}  // namespace bitacora::actors
