#include "actors/scheduler.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <unordered_map>

#include "storage/keys.hpp"
#include "support/log.hpp"

namespace bitacora::actors {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TimerFire& x) {
  return f(caf::meta::type_name("TimerFire"), x.key, x.due, x.kind, x.target, x.payload);
}

}  // namespace bitacora::actors

namespace bitacora::actors::scheduler_detail {

// The scheduler's messages. Plain data: a handler's closure never travels, it stays in Shared.
struct Start {
  std::vector<TimerFire> loaded;
};
struct Schedule {
  TimerFire timer;
};
struct Forget {
  std::string key;
};
struct Done {
  std::string key;
  bool ok = false;
};
struct Wake {
  std::uint64_t generation = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Start& x) {
  return f(caf::meta::type_name("scheduler.Start"), x.loaded);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Schedule& x) {
  return f(caf::meta::type_name("scheduler.Schedule"), x.timer);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Forget& x) {
  return f(caf::meta::type_name("scheduler.Forget"), x.key);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Done& x) {
  return f(caf::meta::type_name("scheduler.Done"), x.key, x.ok);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Wake& x) {
  return f(caf::meta::type_name("scheduler.Wake"), x.generation);
}

}  // namespace bitacora::actors::scheduler_detail

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
  std::shared_ptr<Scheduler::Shared> shared;  // its handlers are read only once Start has come
  bool running = false;                       // Start has come: timers fire
  std::set<std::string> forgotten;            // before Start: rows deleted, not to come back with the load
  std::map<std::string, Entry> timers;  // waiting; keys begin with the due time (BE): map order is due order
  std::unordered_map<std::string, Entry> in_flight;  // handed to a handler, not yet done
  std::uint64_t generation = 0;
  Micros planned_wake = kNever;
};

using SchedulerActor = caf::stateful_actor<SchedulerState>;

// Plans the next wake-up at `when` (at most kMaxSleep ahead), unless one is planned already at or
// before it: each planned wake-up is a message through CAF's clock thread, so they are not
// replaced for nothing.
void plan_wake(SchedulerActor* self, Micros when) {
  auto& st = self->state;
  if (when == kNever) return;
  Micros now = st.deps->clock.now_us();
  auto delay = std::chrono::microseconds(std::clamp<Micros>(when - now, 0, std::chrono::microseconds(Scheduler::kMaxSleep).count()));
  if (st.planned_wake <= now + delay.count()) return;
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
    auto handler = st.shared->handlers.find(entry.timer.kind);
    if (handler == st.shared->handlers.end()) {
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

caf::behavior scheduler_actor(SchedulerActor* self, ActorDeps* deps, std::shared_ptr<Scheduler::Shared> shared) {
  self->state.deps = deps;
  self->state.shared = std::move(shared);
  return {
      [self](Start& msg) {
        auto& s = self->state;
        if (s.running) return;
        // Told or forgotten before this: a told row is already here, a forgotten one stays gone.
        for (auto& t : msg.loaded) {
          if (s.timers.count(t.key) || s.forgotten.count(t.key)) continue;
          auto key = t.key;
          s.timers[key].timer = std::move(t);
        }
        s.forgotten.clear();
        s.running = true;
        count_pending(s);
        fire_due(self);
        s.shared->started = true;
      },
      [self](Schedule& msg) {
        auto& s = self->state;
        Micros due = msg.timer.due;
        auto key = msg.timer.key;
        if (s.timers.count(key) || s.in_flight.count(key)) return;  // already known (loaded at start, or told twice)
        s.timers[key].timer = std::move(msg.timer);
        count_pending(s);
        if (!s.running) return;
        // Due already (a webhook just received): fired now, not through a wake-up.
        if (due <= s.deps->clock.now_us()) return fire_due(self);
        if (due < s.planned_wake) plan_wake(self, due);
      },
      [self](Forget& msg) {
        auto& s = self->state;
        s.timers.erase(msg.key);  // one in flight is forgotten when its handler is done
        if (!s.running) s.forgotten.insert(std::move(msg.key));
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
  };
}

}  // namespace

Scheduler::Scheduler(caf::actor_system& system, ActorDeps& deps)
    : deps_(deps), actor_(system.spawn(scheduler_actor, &deps, shared_)) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::add_messages(caf::actor_system_config& cfg) {
  cfg.add_message_type<Start>("scheduler.Start");
  cfg.add_message_type<Schedule>("scheduler.Schedule");
  cfg.add_message_type<Forget>("scheduler.Forget");
  cfg.add_message_type<Done>("scheduler.Done");
  cfg.add_message_type<Wake>("scheduler.Wake");
}

Status Scheduler::start(std::map<std::string, TimerHandler> handlers) {
  if (start_called_.exchange(true)) return Error{Errc::internal, "the scheduler was started twice"};
  auto loaded = load_timers(deps_.log);
  if (!loaded) return loaded.error();
  log().info("{} durable timers loaded", loaded->size());
  shared_->handlers = std::move(handlers);
  caf::anon_send(actor_, Start{std::move(*loaded)});
  return ok_status();
}

void Scheduler::schedule(std::string key, Micros due, std::string kind, std::string target, std::string payload) {
  caf::anon_send(actor_, Schedule{TimerFire{std::move(key), due, std::move(kind), std::move(target), std::move(payload)}});
}

void Scheduler::forget(std::string key) { caf::anon_send(actor_, Forget{std::move(key)}); }

void Scheduler::stop() {
  if (stopped_.exchange(true)) return;
  caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
}

}  // namespace bitacora::actors
