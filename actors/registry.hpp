// Registry<Traits>: the actors of one aggregate kind, by key. Every message to an aggregate goes
// through send(key, …), which wakes (spawns) the key's actor when it is not in memory; the actor
// then rebuilds its state from its snapshot and the log.
//
// Bounded memory: sweep() (called on a timer, see actors/passivation.hpp) asks every actor idle
// longer than `idle` — and, past `max_alive`, the least recently used beyond that — to retire.
// An actor leaves only if nothing was sent to it since the sweep looked (a per-key send count),
// under the same lock as send(), and its quit message is queued behind everything sent before:
// no message is ever lost to a retiring actor. Coordinators that hold an actor keep its handle
// (`holder`) for commit_held/release_held; a held actor is busy and never retires.
//
// Thread-safe: HTTP handlers, coordinators, actors and the sweeper call it from any thread.
#pragma once

#include <caf/all.hpp>

#include <algorithm>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/aggregate_actor.hpp"

namespace bitacora::actors {

struct RegistryOptions {
  snapshots::SnapshotPolicy snapshots;
  Micros idle = 120'000'000;         // [actors] idle_seconds: an actor idle this long leaves memory
  std::size_t max_alive = 1'000'000;  // [actors] max_alive: past this, the least recently used leave early
};

template <class Traits>
class Registry {
 public:
  Registry(caf::actor_system& system, ActorDeps& deps, RegistryOptions options)
      : system_(system), deps_(deps), options_(options), links_(std::make_shared<AggregateLinks<Traits>>()) {
    links_->deps = &deps_;
    links_->snapshots = options.snapshots;
    links_->forward = [this](const std::string& key, AggregateMsg<Traits> m) { send(key, std::move(m)); };
    links_->leave = [this](const std::string& key, std::uint64_t token, const caf::actor& who) { return retire(key, token, who); };
  }

  // Delivers `msg` to the key's actor, waking it if needed. After stop_all it is dropped.
  void send(const std::string& key, AggregateMsg<Traits> msg) {
    send_made(key, [&msg](std::uint64_t) { return std::move(msg); });
  }

  // As send, the message made by `make(token)` under the registry's lock, `token` being the key's
  // send count with this message: an actor given it may retire at once (try_retire(token)) if
  // nothing is sent to it after.
  template <class Make>
  void send_made(const std::string& key, Make make) {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    auto it = actors_.find(key);
    if (it == actors_.end()) {
      it = actors_.emplace(key, Entry{system_.spawn(aggregate_actor<Traits>, links_, key)}).first;
      woken_.inc();
    }
    it->second.last_used = deps_.clock.now_us();
    caf::anon_send(it->second.actor, make(++it->second.sends));
  }

  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mu_);
    return actors_.size();
  }

  // Asks the idle actors (and, past max_alive, the least recently used) to retire: once, unless
  // something was sent to it since or `idle` passed again; the requests go out after the lock.
  void sweep() {
    std::vector<std::pair<caf::actor, std::uint64_t>> ask;
    {
      std::lock_guard lock(mu_);
      const Micros now = deps_.clock.now_us();
      std::vector<typename Map::iterator> chosen;
      std::vector<typename Map::iterator> rest;
      for (auto it = actors_.begin(); it != actors_.end(); ++it) {
        if (now - it->second.last_used >= options_.idle) chosen.push_back(it);
        else if (actors_.size() > options_.max_alive) rest.push_back(it);
      }
      if (actors_.size() > options_.max_alive + chosen.size()) {
        const std::size_t extra = std::min(actors_.size() - options_.max_alive - chosen.size(), rest.size());
        std::partial_sort(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(extra), rest.end(),
                          [](auto a, auto b) { return a->second.last_used < b->second.last_used; });
        rest.resize(extra);
        chosen.insert(chosen.end(), rest.begin(), rest.end());
      }
      for (auto it : chosen) {
        auto& e = it->second;
        // Asked already, nothing sent since, and not long ago (one that was busy then is asked again).
        if (e.asked == e.sends && now - e.asked_at < options_.idle) continue;
        e.asked = e.sends;
        e.asked_at = now;
        ask.emplace_back(e.actor, e.sends);
      }
    }
    for (auto& [actor, token] : ask) {
      AggregateMsg<Traits> m{[token = token](AggregateContext<Traits>& ctx) { ctx.try_retire(token); }, true};
      m.control = true;
      caf::anon_send(actor, std::move(m));
    }
  }

  // Asks every actor to exit (the actor system's destructor waits for them).
  void stop_all() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    for (auto& [key, e] : actors_) caf::anon_send_exit(e.actor, caf::exit_reason::user_shutdown);
    actors_.clear();
  }

 private:
  struct Entry {
    caf::actor actor;
    Micros last_used = 0;
    std::uint64_t sends = 0;
    std::uint64_t asked = UINT64_MAX;  // the send count when last asked to retire
    Micros asked_at = 0;
  };
  using Map = std::unordered_map<std::string, Entry>;

  // The actor of `key` leaves if nothing was sent to it since the sweep that asked (`token`).
  bool retire(const std::string& key, std::uint64_t token, const caf::actor& who) {
    std::lock_guard lock(mu_);
    auto it = actors_.find(key);
    if (stopped_ || it == actors_.end() || it->second.actor != who || it->second.sends != token) return false;
    caf::anon_send(who, AggregateMsg<Traits>{nullptr, true, true});  // behind all it was sent
    actors_.erase(it);
    passivated_.inc();
    return true;
  }

  caf::actor_system& system_;
  ActorDeps& deps_;
  RegistryOptions options_;
  std::shared_ptr<AggregateLinks<Traits>> links_;  // shared by every actor of this registry
  const std::string kind_label_ =
      "kind=\"" + std::string(Traits::kStreamPrefix.substr(0, Traits::kStreamPrefix.size() - 1)) + "\"";
  metrics::Counter& woken_ = deps_.metrics.counter("bitacora_actors_woken_total", "Aggregate actors spawned (woken)", kind_label_);
  metrics::Counter& passivated_ =
      deps_.metrics.counter("bitacora_actors_passivated_total", "Aggregate actors that left memory when idle", kind_label_);
  mutable std::mutex mu_;
  Map actors_;
  bool stopped_ = false;
};

// decide → append → apply → reply, one command at a time per key.
template <class Traits>
void command(Registry<Traits>& reg, const std::string& key, typename Traits::Command cmd,
             std::function<void(CommandOutcome<Traits>)> reply) {
  reg.send(key, AggregateMsg<Traits>{[cmd = std::move(cmd), reply = std::move(reply)](AggregateContext<Traits>& ctx) {
    if (ctx.load_error) return reply(*ctx.load_error);
    auto decision = Traits::decide(ctx.state, cmd);
    if (auto* refused = std::get_if<domain::DomainError>(&decision)) return reply(*refused);
    auto evs = std::get<std::vector<typename Traits::Event>>(std::move(decision));
    if (evs.empty()) return reply(ctx.state);
    auto after = ctx.state;
    for (const auto& e : evs) Traits::apply(after, e);
    auto req = make_append(ctx, evs, after);
    ctx.append(std::move(req), [evs = std::move(evs), reply](AggregateContext<Traits>& c, Result<storage::AppendOutcome> r) {
      if (!r) return reply(r.error());
      c.apply_durable(evs, r->head_of(c.stream()));
      reply(c.state);
    });
  }});
}

// Reads the current state (served even while the actor is busy: it is the last durable state).
// Reading a key whose stream is empty (an unknown sku, order or shopper) leaves no actor behind:
// unless something else was sent to it meanwhile, it retires as soon as it has answered.
template <class Traits>
void get(Registry<Traits>& reg, const std::string& key,
         std::function<void(const typename Traits::State&, std::uint64_t, const std::optional<Error>&)> reply) {
  reg.send_made(key, [&reply](std::uint64_t token) {
    return AggregateMsg<Traits>{[reply = std::move(reply), token](AggregateContext<Traits>& ctx) {
                                  reply(ctx.state, ctx.version, ctx.failure());
                                  if (ctx.version == 0 && !ctx.load_error) ctx.try_retire(token);
                                },
                                true};
  });
}

// A coordinator takes the actor: `on_held` gets its state and its handle (`holder`, for
// commit_held or release_held), and nothing else is done to it until then. Coordinators hold
// several actors in stream-name order, so two of them never wait on each other.
template <class Traits>
using OnHeld = std::function<void(const typename Traits::State&, std::uint64_t version, const std::optional<Error>&,
                                  const caf::actor& holder)>;

template <class Traits>
void hold(Registry<Traits>& reg, const std::string& key, OnHeld<Traits> on_held) {
  reg.send(key, AggregateMsg<Traits>{[on_held = std::move(on_held)](AggregateContext<Traits>& ctx) {
    ctx.busy = true;
    on_held(ctx.state, ctx.version, ctx.failure(), ctx.self);
  }});
}

// The coordinator's batch is durable: apply its events for this actor and let it go. `head`: the
// stream's version after the batch, from its outcome (0 when the batch has no events for it).
template <class Traits>
void commit_held(const caf::actor& holder, std::vector<typename Traits::Event> evs, std::uint64_t head) {
  caf::anon_send(holder, AggregateMsg<Traits>{[evs = std::move(evs), head](AggregateContext<Traits>& ctx) {
                                                ctx.apply_durable(evs, head);
                                                ctx.finish();
                                              },
                                              true});
}

template <class Traits>
void release_held(const caf::actor& holder) {
  caf::anon_send(holder, AggregateMsg<Traits>{[](AggregateContext<Traits>& ctx) { ctx.finish(); }, true});
}

// Events a coordinator appended without holding this actor (only facts that cannot invalidate a
// decision the actor may be making meanwhile, such as confirming or releasing a reservation held
// by an order the coordinator does hold), `head` the stream's version after them: the key's
// current actor applies them unless it already read them from the log.
template <class Traits>
void apply_external(Registry<Traits>& reg, const std::string& key, std::vector<typename Traits::Event> evs,
                    std::uint64_t head) {
  reg.send(key, AggregateMsg<Traits>{[evs = std::move(evs), head](AggregateContext<Traits>& ctx) { ctx.apply_appended(evs, head); },
                                     true});
}

}  // namespace bitacora::actors
