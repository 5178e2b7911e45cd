// Registry<Traits>: the actors of one aggregate kind, by key. Every message to an aggregate goes
// through send(key, …), which wakes (spawns) the key's actor when it is not in memory; the actor
// then rebuilds its state from its snapshot and the log.
//
// Bounded memory: sweep() (called on a timer, see actors/passivation.hpp) asks every actor idle
// longer than `idle` — and, past `max_alive`, the least recently used beyond that — to retire.
// An actor leaves only if nothing was sent to it since the sweep looked (a per-key send count),
// under the same lock as send(), and its quit message is queued behind everything sent before:
// no message is ever lost to a retiring actor. Coordinators that hold an actor keep its handle
// (the Held reply's sender) to commit or release; a held actor is busy and never retires.
//
// Replies reach callers that are not actors through the registry's companion actor: every
// request carries an AskId and the companion's sender address, and the callback registered for it
// runs on the thread that delivered the reply (the replying actor's): keep it short. Thread-safe:
// HTTP handlers, coordinators, actors and the sweeper call it from any thread.
#pragma once

#include <caf/actor_companion.hpp>
#include <caf/all.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
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
  Micros lease = 10'000'000;          // how long a coordinator may hold an actor before the hold is broken
};

// Names holds uniquely in this process (a coordinator uses one for all it holds).
[[nodiscard]] HoldId next_hold_id();

template <class K>
class Registry {
 public:
  template <class Reply>
  using OnReply = std::function<void(Reply&&, const caf::actor& from)>;

  // `home`, when given, is another node's router for these aggregates (its Registry::serve):
  // every request goes there, and no actor of this kind lives here.
  Registry(caf::actor_system& system, ActorDeps& deps, RegistryOptions options, caf::actor home = {})
      : system_(system), deps_(deps), options_(options), links_(std::make_shared<AggregateLinks<K>>()), home_(std::move(home)) {
    links_->deps = &deps_;
    links_->snapshots = options.snapshots;
    links_->lease_us = options.lease;
    links_->successor = [this](const std::string& key) {
      std::lock_guard lock(mu_);
      return actor_for(key).first;
    };
    links_->leave = [this](const std::string& key, std::uint64_t token, const caf::actor& who) { return retire(key, token, who); };
    companion_ = system_.spawn<caf::actor_companion>();
    caf::actor_cast<caf::actor_companion*>(companion_)->on_enqueue([this](caf::mailbox_element_ptr ptr) { deliver(std::move(ptr)); });
  }

  ~Registry() { stop_all(); }
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The current state's view, version and load error. Served even while the actor is busy.
  void get(const std::string& key, OnReply<Got<K>> reply) {
    const AskId ask = expect(std::move(reply));
    send_made(key, [&key, ask](std::uint64_t token) { return Get<K>{key, ask, token}; });
  }

  // decide → append → apply → reply, one command at a time per key.
  // `if_match`: only if the stream is at that version (else a version_conflict refusal).
  void command(const std::string& key, typename K::Command cmd, OnReply<Decided<K>> reply,
               std::optional<std::uint64_t> if_match = std::nullopt)
    requires K::kTakesCommands
  {
    const AskId ask = expect(std::move(reply));
    send_made(key, [&key, ask, &cmd, if_match](std::uint64_t) { return Command<K>{key, ask, std::move(cmd), if_match}; });
  }

  // Takes the key's actor (`h.ask` is filled in): `reply` gets the slice of its state the hold's
  // order needs, and the actor's handle for commit and release; nothing else is done to it
  // (exclusive) or no exclusive work runs (shared) until then, or until the lease runs out.
  void hold(const std::string& key, Hold<K> h, OnReply<Held<K>> reply) {
    h.key = key;
    h.ask = expect(std::move(reply));
    send_made(key, [&h](std::uint64_t) { return std::move(h); });
  }

  // The holder's batch is durable: the actor applies its events (`head`: the stream's version
  // after them, from the outcome; 0 when the batch did not write it) and lets the hold go.
  static void commit(const caf::actor& holder, HoldId hold, std::vector<typename K::Event> evs, std::uint64_t head) {
    caf::anon_send(holder, Commit<K>{hold, {std::move(evs)}, head});
  }
  static void release(const caf::actor& holder, HoldId hold) { caf::anon_send(holder, Release<K>{hold}); }

  // An actor that takes this registry's requests from other nodes (publish it with the
  // middleman) and passes each to its key's actor here as if sent by the original sender, so the
  // reply goes straight back. Stopped with the registry.
  caf::actor serve() {
    auto router = system_.spawn([this](caf::event_based_actor* self) -> caf::behavior {
      auto from = [self] { return caf::actor_cast<caf::actor>(self->current_sender()); };
      auto get = [this, from](Get<K>& m) {
        route(m.key, from(), [&m](std::uint64_t token) {
          m.token = token;
          return std::move(m);
        });
      };
      auto hold = [this, from](Hold<K>& m) { route(m.key, from(), [&m](std::uint64_t) { return std::move(m); }); };
      if constexpr (K::kTakesCommands) {
        auto command = [this, from](Command<K>& m) { route(m.key, from(), [&m](std::uint64_t) { return std::move(m); }); };
        return {get, hold, command};
      } else {
        return {get, hold};
      }
    });
    std::lock_guard lock(mu_);
    routers_.push_back(router);
    return router;
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
    for (auto& [actor, token] : ask) caf::anon_send(actor, Retire<K>{token});
  }

  // Asks every actor to exit (the actor system's destructor waits for them); replies still on
  // their way are dropped.
  void stop_all() {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& [key, e] : actors_) caf::anon_send_exit(e.actor, caf::exit_reason::user_shutdown);
    actors_.clear();
    for (auto& r : routers_) caf::anon_send_exit(r, caf::exit_reason::user_shutdown);
    routers_.clear();
    // What actor_companion::disconnect does (Debian's libcaf_core 0.17.6 does not export it):
    // later replies are dropped, and the companion terminates, so the system can shut down.
    auto* companion = caf::actor_cast<caf::actor_companion*>(companion_);
    companion->on_enqueue(nullptr);
    companion->cleanup(caf::make_error(caf::exit_reason::user_shutdown), nullptr);
    std::lock_guard calls(calls_mu_);
    calls_.clear();
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
  using Call = std::function<void(caf::message&, const caf::actor& from)>;

  // Sends `make(token)` to the key's actor, waking it if needed, under the registry's lock (so
  // that no actor retires between being chosen and being sent to), as the companion, whose
  // address the reply goes to. `token` is the key's send count with this message. After stop_all
  // it is dropped.
  template <class Make>
  void send_made(const std::string& key, Make make) {
    if (home_) return caf::send_as(companion_, home_, make(0));  // its router counts the send
    route(key, companion_, std::move(make));
  }

  template <class Make>
  void route(const std::string& key, const caf::actor& sender, Make make) {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    auto [actor, token] = actor_for(key);
    caf::send_as(sender, actor, make(token));
  }

  // The key's actor, spawned when not in memory, and its send count with one more send. Under mu_.
  std::pair<caf::actor, std::uint64_t> actor_for(const std::string& key) {
    auto it = actors_.find(key);
    if (it == actors_.end()) {
      it = actors_.emplace(key, Entry{system_.spawn(aggregate_actor<K>, links_, key)}).first;
      woken_.inc();
    }
    it->second.last_used = deps_.clock.now_us();
    return {it->second.actor, ++it->second.sends};
  }

  template <class Reply>
  AskId expect(OnReply<Reply> reply) {
    const AskId ask = next_ask_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(calls_mu_);
    calls_.emplace(ask, [reply = std::move(reply)](caf::message& m, const caf::actor& from) {
      reply(std::move(m.get_mutable_as<Reply>(0)), from);
    });
    return ask;
  }

  // A reply reached the companion: runs the callback its AskId names (on the delivering thread).
  void deliver(caf::mailbox_element_ptr ptr) {
    auto m = ptr->move_content_to_message();
    AskId ask = 0;
    if (m.match_elements<Got<K>>()) ask = m.get_as<Got<K>>(0).ask;
    else if (m.match_elements<Held<K>>()) ask = m.get_as<Held<K>>(0).ask;
    else if constexpr (K::kTakesCommands) {
      if (m.match_elements<Decided<K>>()) ask = m.get_as<Decided<K>>(0).ask;
    }
    Call call;
    {
      std::lock_guard lock(calls_mu_);
      auto it = calls_.find(ask);
      if (it == calls_.end()) return;
      call = std::move(it->second);
      calls_.erase(it);
    }
    call(m, caf::actor_cast<caf::actor>(ptr->sender));
  }

  // The actor of `key` leaves if nothing was sent to it since the sweep that asked (`token`).
  bool retire(const std::string& key, std::uint64_t token, const caf::actor& who) {
    std::lock_guard lock(mu_);
    auto it = actors_.find(key);
    if (stopped_ || it == actors_.end() || it->second.actor != who || it->second.sends != token) return false;
    caf::anon_send(who, Leave<K>{});  // behind all it was sent
    actors_.erase(it);
    passivated_.inc();
    return true;
  }

  caf::actor_system& system_;
  ActorDeps& deps_;
  RegistryOptions options_;
  std::shared_ptr<AggregateLinks<K>> links_;  // shared by every actor of this registry
  const std::string kind_label_ = "kind=\"" + std::string(K::kName) + "\"";
  metrics::Counter& woken_ = deps_.metrics.counter("bitacora_actors_woken_total", "Aggregate actors spawned (woken)", kind_label_);
  metrics::Counter& passivated_ =
      deps_.metrics.counter("bitacora_actors_passivated_total", "Aggregate actors that left memory when idle", kind_label_);
  mutable std::mutex mu_;
  Map actors_;
  bool stopped_ = false;
  caf::actor home_;        // another node's router, when these aggregates live there
  std::vector<caf::actor> routers_;
  caf::actor companion_;  // the address replies come to
  std::atomic<AskId> next_ask_{1};
  std::mutex calls_mu_;
  std::unordered_map<AskId, Call> calls_;
};

}  // namespace bitacora::actors
