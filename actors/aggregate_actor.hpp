// AggregateActor<K>: one CAF actor per aggregate key (`product/<sku>`, `cart/<user>`,
// `order/<reference>`), the replacement for SELECT … FOR UPDATE. It rebuilds its state when it
// wakes — from its snapshot, if a valid one exists, plus the events after it — and speaks only the
// typed protocol of actors/protocol.hpp: every message is a plain struct that could cross a wire.
//
// One piece of work at a time: while its own append is in flight, or while a coordinator holds it
// exclusively, commands and holds wait in its queue, in the order they came (reads do not wait:
// they see the last durable state). Shared holds (facts about the holder's own order) may be
// granted together; exclusive work waits until every one is let go. Every hold has a lease: one
// not committed or released in time is broken, logged and counted, so a coordinator that died
// or stalled cannot hold an aggregate forever. A coordinator's batch names the versions of the
// streams it held exclusively (AppendRequest::expected_versions), so a decision made under a
// broken hold is refused by the writer rather than appended on a stale state.
//
// The actor alone owns its context. The registry (actors/registry.hpp) spawns it, passivates it
// when idle (it snapshots any unsnapshotted tail, leaves the registry, forwards what still reaches
// it to its successor and quits) and routes every message to it.
//
// K (actors/traits.hpp) provides its aggregate's descriptor (snapshots/aggregates.hpp): State,
// Event, kName, kStreamPrefix, initial(key), key_of(State) (key_of(initial(k)) == k: the actor keeps
// its key only in its state), apply(State&, Event), decode_event(type, json), event_type and
// encode_event, state_json/decode_state; and besides: Command, View, kTakesCommands;
// encode(key, const Event&) → storage::NewEvent; decide(const State&, const Command&);
// view_of(const State&); slice(const State&, const OrderRef&, const UserId&) (what a holder needs);
// decorate(key, const State& after, storage::AppendRequest&); weight(State).
#pragma once

#include <caf/all.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/deps.hpp"
#include "actors/protocol.hpp"
#include "domain/errors.hpp"
#include "snapshots/snapshot.hpp"
#include "storage/append.hpp"
#include "support/log.hpp"
#include "support/result.hpp"

namespace bitacora::actors {

// What the registry gives every actor it spawns (one object per registry, shared; local only).
template <class K>
struct AggregateLinks {
  ActorDeps* deps = nullptr;
  snapshots::SnapshotPolicy snapshots;
  Micros lease_us = 10'000'000;                                // a hold's default lease
  std::function<caf::actor(const std::string& key)> successor;  // the key's current actor, woken if needed
  std::function<bool(const std::string& key, std::uint64_t token, const caf::actor&)> leave;  // Registry::retire
};

// A request that came while the actor could not take it, with the promise its reply keeps.
template <class K>
struct Pending {
  std::variant<Command<K>, Hold<K>> request;
  caf::response_promise promise;
};

// The actor's own command while its append is in flight.
template <class K>
struct InFlight {
  Command<K> command;
  caf::response_promise promise;
  std::vector<typename K::Event> events;
  int attempt = 0;
};

// Everything an actor keeps only while it has work: made on first use, freed when idle, so an
// idle actor costs one pointer for it.
template <class K>
struct Work {
  std::deque<Pending<K>> waiting;
  std::optional<InFlight<K>> in_flight;
  HoldId exclusive = 0;  // the exclusive holder's hold, 0 when none
  Micros exclusive_until = 0;
  std::vector<std::pair<HoldId, Micros>> shared;  // shared holds and their deadlines
  bool lease_timer = false;                        // a LeaseDue is on its way

  [[nodiscard]] bool held() const { return exclusive != 0 || !shared.empty(); }
  [[nodiscard]] bool idle() const { return waiting.empty() && !in_flight && !held(); }
  [[nodiscard]] bool free_for(HoldMode mode) const {
    return !in_flight && exclusive == 0 && (mode == HoldMode::shared || shared.empty());
  }
};

template <class K>
struct AggregateContext {
  // Kept small: a live cart actor should cost at most 2 KB (bench/README.md). CAF allocates its
  // actor and this context as one block, in jemalloc's 1,280-byte class for a cart
  // (tests/actors/aggregate_actor_test.cpp guards it). So the key lives only in the state
  // (K::key_of), and the rare load error and the work behind pointers.
  std::shared_ptr<const AggregateLinks<K>> links;
  caf::stateful_actor<AggregateContext>* self = nullptr;
  typename K::State state{};
  std::uint64_t version = 0;
  std::uint64_t snapshot_version = 0;  // the version the stored snapshot covers (0: none)
  std::unique_ptr<Error> load_error;   // the log could not be read: every command fails with it
  std::unique_ptr<Work<K>> work;
  bool loaded = false;
  bool retired = false;  // left the registry: forwards everything until its Leave

  [[nodiscard]] const std::string& key() const { return K::key_of(state); }
  [[nodiscard]] std::string stream() const { return std::string(K::kStreamPrefix) + key(); }
  [[nodiscard]] ActorDeps& deps() const { return *links->deps; }
  [[nodiscard]] std::optional<Error> failure() const { return load_error ? std::optional<Error>(*load_error) : std::nullopt; }
  [[nodiscard]] bool busy() const { return work && !work->idle(); }
  Work<K>& work_() {
    if (!work) work = std::make_unique<Work<K>>();
    return *work;
  }

  // Loads on the first message, and again after a load that failed for want of storage (the log
  // being reopened, say) rather than failing every command until the actor is passivated.
  void ensure_loaded() {
    if (!loaded || (load_error && retryable(load_error->code) && !busy())) load();
  }

  // Inline, on the CAF worker that wakes the actor: a bounded read (its snapshot row and the tail
  // the snapshot policy bounds), cheaper than a hop to a reader (docs/design.md "Where RocksDB is read").
  void load() {
    std::string k = key();
    loaded = true;
    load_error.reset();
    state = K::initial(k);
    version = 0;
    snapshot_version = 0;
    load_snapshot();
    auto evs = deps().log.read_stream(stream(), version + 1, SIZE_MAX);
    if (!evs) return fail_load(k, evs.error());
    for (const auto& stored : *evs) {
      // Built only on failure, from `k`: after a bad event the state may name another stream.
      auto at = [&] { return std::string(K::kStreamPrefix) + k + " v" + std::to_string(stored.envelope.stream_version); };
      auto ev = K::decode_event(stored.envelope.type, stored.envelope.data);
      if (!ev) return fail_load(k, {Errc::data_loss, at() + ": " + ev.error().message});
      K::apply(state, std::move(*ev));
      // The state carries the key (key()), so an event naming another one must not move it.
      if (key() != k) return fail_load(k, {Errc::data_loss, at() + " names another stream"});
      version = stored.envelope.stream_version;
    }
  }

  // Loading failed: the state keeps only its key, and every command fails with `error`.
  void fail_load(const std::string& k, Error error) {
    state = K::initial(k);
    load_error = std::make_unique<Error>(std::move(error));
  }

  // Starts from the stored snapshot when it decodes and describes this stream; otherwise the
  // state stays initial and the whole stream is folded.
  void load_snapshot() {
    auto row = deps().log.get(storage::Family::snapshots, stream());
    if (!row || !row->has_value()) return;
    auto snap = snapshots::decode_snapshot(**row);
    Result<typename K::State> decoded = snap ? K::decode_state(snap->state) : Result<typename K::State>(snap.error());
    if (decoded && (K::key_of(*decoded) != key() || decoded->version != snap->version))
      decoded = Error{Errc::data_loss, "snapshot describes another stream or version"};
    if (!decoded) {
      module_logger("snapshots").warn("snapshot of {} ignored, folding the whole stream: {}", stream(), decoded.error().message);
      deps().metrics.counter("bitacora_snapshots_rejected_total", "Snapshots that failed to decode and were ignored").inc();
      return;
    }
    state = std::move(*decoded);
    version = snap->version;
    snapshot_version = version;
    deps().metrics.counter("bitacora_snapshots_loaded_total", "Actors woken from a snapshot").inc();
  }

  // Writes a snapshot of the current (durable) state. Fire and forget: the log has every event,
  // so a snapshot that fails to be written costs only a longer replay.
  void write_snapshot() {
    if (!loaded || load_error || version == snapshot_version) return;
    storage::AppendRequest req;
    req.snapshot_puts.emplace_back(stream(), snapshots::encode_snapshot({version, K::state_json(state)}));
    auto* metrics = &deps().metrics;
    // Best effort: a busy writer refuses it rather than let snapshots crowd out appends; the
    // next due point tries again.
    if (deps().writer.try_append(std::move(req), [metrics](Result<storage::AppendOutcome> r) {
          if (r) metrics->counter("bitacora_snapshots_written_total", "Snapshots written").inc();
        }))
      snapshot_version = version;
  }

  void maybe_snapshot() {
    if (links->snapshots.due(version, snapshot_version, K::weight(state))) write_snapshot();
  }

  void apply_all(const std::vector<typename K::Event>& evs) {
    for (const auto& e : evs) K::apply(state, e);
    version += evs.size();
    maybe_snapshot();
  }

  // Events appended for this stream (by this actor or a holder), `head` the stream's version
  // after them, read from the append's outcome rather than counted: applied when they follow
  // this state, skipped when already folded in (this actor woke after they were written), and,
  // should anything be missing between (a late commit of a broken hold), rebuilt from the log.
  void apply_appended(const std::vector<typename K::Event>& evs, std::uint64_t head) {
    if (head == 0 || version >= head) return;
    if (version + evs.size() == head) return apply_all(evs);
    load();
  }

  // -- requests --------------------------------------------------------------------------------

  void on_get(const Get<K>& m) {
    ensure_loaded();
    self->make_response_promise().deliver(Got<K>{m.ask, K::view_of(state), version, failure()});
    // Reading a key whose stream is empty (an unknown sku, order or shopper) leaves no actor
    // behind: unless something else was sent to it meanwhile, it retires at once.
    if (version == 0 && !load_error) try_retire(m.token);
  }

  void on_command(Command<K>&& m) {
    ensure_loaded();
    auto promise = self->make_response_promise();
    if (busy()) return wait({std::move(m), std::move(promise)});
    run(std::move(m), std::move(promise), 0);
  }

  void on_hold(Hold<K>&& m) {
    ensure_loaded();
    auto promise = self->make_response_promise();
    if (load_error) return refuse_hold(m, promise);
    if (work && (!work->waiting.empty() || !work->free_for(m.mode))) return wait({std::move(m), std::move(promise)});
    grant(m, promise);
  }

  // The holder's batch is durable: apply its events; let go of its hold (if it still has one).
  void on_commit(const Commit<K>& m) {
    let_go(m.hold);
    apply_appended(m.events.items, m.head);
    drain();
  }

  void on_release(const Release<K>& m) {
    let_go(m.hold);
    drain();
  }

  void on_durable(Durable<K>&& m) {
    auto done = std::move(*work_().in_flight);
    work->in_flight.reset();
    if (m.error) {
      // The stream moved under this actor: a late commit of a broken hold, or an append made
      // while it was asleep. Decide again on what the log says.
      if (m.error->code == Errc::conflict && done.attempt < 2) {
        load();
        run(std::move(done.command), std::move(done.promise), done.attempt + 1);
      } else {
        done.promise.deliver(Decided<K>{done.command.ask, std::move(*m.error)});
      }
    } else {
      apply_appended(done.events, m.outcome.head_of(stream()));
      done.promise.deliver(Decided<K>{done.command.ask, K::view_of(state)});
    }
    drain();
  }

  void on_lease_due() {
    if (!work) return;
    work->lease_timer = false;
    const Micros now = deps().clock.now_us();
    auto broken = [&](HoldId id) {
      module_logger("actors").warn("{}: hold {} broken, its lease ran out", stream(), id);
      deps().metrics.counter("bitacora_holds_broken_total", "Holds broken because their lease ran out").inc();
    };
    if (work->exclusive != 0 && work->exclusive_until <= now) {
      broken(work->exclusive);
      work->exclusive = 0;
    }
    std::erase_if(work->shared, [&](const auto& h) {
      if (h.second > now) return false;
      broken(h.first);
      return true;
    });
    drain();
  }

  // -- work ------------------------------------------------------------------------------------

  // decide → append → (on_durable) apply → reply.
  void run(Command<K>&& m, caf::response_promise promise, int attempt) {
    if (load_error) return promise.deliver(Decided<K>{m.ask, *load_error}), void();
    if (m.if_match && *m.if_match != version) {
      auto conflict = domain::refusal(domain::DomainErrc::version_conflict, stream() + " is at version " + std::to_string(version));
      conflict.current_version = version;
      return promise.deliver(Decided<K>{m.ask, std::move(conflict)}), void();
    }
    auto decision = K::decide(state, m.command);
    if (auto* refused = std::get_if<domain::DomainError>(&decision)) return promise.deliver(Decided<K>{m.ask, *refused}), void();
    auto evs = std::get<std::vector<typename K::Event>>(std::move(decision));
    if (evs.empty()) return promise.deliver(Decided<K>{m.ask, K::view_of(state)}), void();
    auto after = state;
    for (const auto& e : evs) K::apply(after, e);
    storage::AppendRequest req;
    for (const auto& e : evs) req.events.push_back(K::encode(key(), e));
    req.expected_version = version;
    K::decorate(key(), after, req);
    work_().in_flight = InFlight<K>{std::move(m), std::move(promise), std::move(evs), attempt};
    deps().writer.append(std::move(req), [target = caf::actor_cast<caf::actor>(self)](Result<storage::AppendOutcome> r) {
      Durable<K> d;
      if (r) d.outcome = std::move(*r);
      else d.error = std::move(r.error());
      caf::anon_send(target, std::move(d));
    });
  }

  void grant(const Hold<K>& m, caf::response_promise& promise) {
    auto& w = work_();
    const Micros until = deps().clock.now_us() + (m.lease_us > 0 ? m.lease_us : links->lease_us);
    if (m.mode == HoldMode::exclusive) {
      w.exclusive = m.hold;
      w.exclusive_until = until;
    } else {
      w.shared.emplace_back(m.hold, until);
    }
    promise.deliver(Held<K>{m.ask, m.hold, {K::slice(state, m.order, m.user)}, version, std::nullopt});
  }

  void refuse_hold(const Hold<K>& m, caf::response_promise& promise) {
    promise.deliver(Held<K>{m.ask, m.hold, {K::initial(key())}, version, failure()});
  }

  void let_go(HoldId hold) {
    if (!work || hold == 0) return;
    if (work->exclusive == hold) work->exclusive = 0;
    std::erase_if(work->shared, [hold](const auto& h) { return h.first == hold; });
  }

  void wait(Pending<K> p) {
    work_().waiting.push_back(std::move(p));
    arm_lease_timer();
  }

  // Runs what waited, in order, until the first that still cannot run.
  void drain() {
    while (work && !work->waiting.empty()) {
      auto& front = work->waiting.front();
      if (auto* cmd = std::get_if<Command<K>>(&front.request)) {
        if (!work->free_for(HoldMode::exclusive)) break;
        auto next = std::move(*cmd);
        auto promise = std::move(front.promise);
        work->waiting.pop_front();
        run(std::move(next), std::move(promise), 0);
        continue;
      }
      auto hold = std::get<Hold<K>>(std::move(front.request));
      if (!work->free_for(hold.mode)) {
        front.request = std::move(hold);
        break;
      }
      auto promise = std::move(front.promise);
      work->waiting.pop_front();
      if (load_error) refuse_hold(hold, promise);
      else grant(hold, promise);
    }
    if (work && work->idle() && !work->lease_timer) work.reset();
    else arm_lease_timer();
  }

  // Something waits behind a hold: wake when the first lease runs out. (A delayed message keeps
  // this actor alive until it arrives, so one is sent only while something waits.)
  void arm_lease_timer() {
    if (!work || work->lease_timer || work->waiting.empty() || !work->held()) return;
    Micros first = work->exclusive != 0 ? work->exclusive_until : INT64_MAX;
    for (const auto& [id, until] : work->shared) first = std::min(first, until);
    const Micros in = std::max<Micros>(first - deps().clock.now_us(), 0) + 1'000;
    work->lease_timer = true;
    self->delayed_send(self, std::chrono::microseconds(in), LeaseDue<K>{});
  }

  // The registry found this actor idle (`token`: its send count then). It leaves only when it has
  // nothing to do and nothing was sent to it since; then it snapshots and frees its state.
  void try_retire(std::uint64_t token) {
    if (busy() || retired) return;
    if (!links->leave(key(), token, caf::actor_cast<caf::actor>(self))) return;
    if (links->snapshots.every_events > 0 && version - snapshot_version >= snapshots::kRetireMinTail) write_snapshot();
    retired = true;
    state = K::initial(std::string(key()));  // keeps only the key, to forward what still arrives
  }

  [[nodiscard]] caf::actor successor() const { return links->successor(key()); }
};

template <class K>
caf::behavior aggregate_actor(caf::stateful_actor<AggregateContext<K>>* self, std::shared_ptr<const AggregateLinks<K>> links,
                              std::string key) {
  auto& ctx = self->state;
  ctx.state = K::initial(key);
  ctx.links = std::move(links);
  ctx.self = self;
  // A retired actor forwards what was sent to it before it left (delegate keeps the sender).
  auto on_get = [self](Get<K>& m) {
    if (self->state.retired) return (void)self->delegate(self->state.successor(), std::move(m));
    self->state.on_get(m);
  };
  auto on_hold = [self](Hold<K>& m) {
    if (self->state.retired) return (void)self->delegate(self->state.successor(), std::move(m));
    self->state.on_hold(std::move(m));
  };
  auto on_commit = [self](Commit<K>& m) {
    if (self->state.retired) return caf::anon_send(self->state.successor(), std::move(m));
    self->state.on_commit(m);
  };
  auto on_release = [self](Release<K>& m) {
    if (self->state.retired) return;  // it held nothing: it retired idle
    self->state.on_release(m);
  };
  auto on_durable = [self](Durable<K>& m) { self->state.on_durable(std::move(m)); };
  auto on_lease_due = [self](LeaseDue<K>&) { self->state.on_lease_due(); };
  auto on_retire = [self](Retire<K>& m) { self->state.try_retire(m.token); };
  auto on_leave = [self](Leave<K>&) { self->quit(); };
  if constexpr (K::kTakesCommands) {
    auto on_command = [self](Command<K>& m) {
      if (self->state.retired) return (void)self->delegate(self->state.successor(), std::move(m));
      self->state.on_command(std::move(m));
    };
    return {on_get, on_hold, on_commit, on_release, on_durable, on_lease_due, on_retire, on_leave, on_command};
  } else {
    return {on_get, on_hold, on_commit, on_release, on_durable, on_lease_due, on_retire, on_leave};
  }
}

}  // namespace bitacora::actors
