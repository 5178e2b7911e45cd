// AggregateActor<Traits>: one CAF actor per aggregate key (`product/<sku>`, `cart/<user>`,
// `order/<reference>`), the replacement for SELECT … FOR UPDATE. It rebuilds its state when it
// wakes — from its snapshot, if a valid one exists, plus the events after it — and handles one
// piece of work at a time: while an append is in flight, or while a coordinator holds it, later
// work waits in its queue (reads do not).
//
// Work is sent as closures (`AggregateMsg`) that run inside the actor with its context, always
// through the key's Registry (actors/registry.hpp), which also passivates idle actors: an actor
// asked to retire while it has nothing to do writes a snapshot of any unsnapshotted tail, leaves
// the registry, forwards whatever still reaches it to its successor and quits. Callbacks given to
// the actor run on its thread: keep them short (post elsewhere).
//
// Traits provides: State, Event, Command; `kStreamPrefix`; `initial(key)`; `apply(State&, const
// Event&)`; `decode(const events::Envelope&) → Result<Event>`; `encode(key, const Event&) →
// storage::NewEvent`; `decide(const State&, const Command&) → domain::Decision<Event>`;
// `decorate(key, const State& after, storage::AppendRequest&)` for index rows, counters, timers;
// `encode_state`/`decode_state` (snapshots/state_codec.hpp), `key_of(State)` and `weight(State)`
// (snapshots/snapshot.hpp), where key_of(initial(k)) == k: the actor keeps its key only in its
// state; `kCheckVersion`: whether the actor's own appends assert the stream's version (false where
// coordinators may append to the stream without holding the actor, see apply_external in
// actors/registry.hpp).
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
#include "domain/errors.hpp"
#include "snapshots/snapshot.hpp"
#include "storage/append.hpp"
#include "support/log.hpp"
#include "support/result.hpp"

namespace bitacora::actors {

template <class Traits>
struct AggregateContext;

template <class Traits>
struct AggregateMsg {
  std::function<void(AggregateContext<Traits>&)> run;
  bool immediate = false;  // runs even while the actor is busy (reads, completions)
  bool quit = false;       // the last message a retired actor handles (see Registry::retire)
  bool control = false;    // a registry request (retire): dropped, not forwarded, once retired
};

// What the registry gives every actor it spawns (one object per registry, shared).
template <class Traits>
struct AggregateLinks {
  ActorDeps* deps = nullptr;
  snapshots::SnapshotPolicy snapshots;
  std::function<void(const std::string& key, AggregateMsg<Traits>)> forward;  // to the key's current actor
  std::function<bool(const std::string& key, std::uint64_t token, const caf::actor&)> leave;  // Registry::retire
};

template <class Traits>
struct AggregateContext {
  // Kept small: a live cart actor should cost at most 2 KB (bench/README.md). CAF allocates its
  // actor and this context as one block, 1,240 bytes for a cart, in jemalloc's 1,280-byte class
  // (tests/actors/aggregate_actor_test.cpp guards it). So the key lives only in the state
  // (Traits::key_of), and the rare load error and waiting queue behind pointers.
  std::shared_ptr<const AggregateLinks<Traits>> links;
  caf::actor self;
  typename Traits::State state{};
  std::uint64_t version = 0;
  std::uint64_t snapshot_version = 0;  // the version the stored snapshot covers (0: none)
  std::unique_ptr<Error> load_error;   // the log could not be read: every command fails with it
  std::unique_ptr<std::deque<AggregateMsg<Traits>>> waiting;  // work that arrived while busy (made on first use)
  bool loaded = false;
  bool busy = false;
  bool retired = false;  // left the registry: forwards everything until its quit message

  [[nodiscard]] const std::string& key() const { return Traits::key_of(state); }
  [[nodiscard]] std::string stream() const { return std::string(Traits::kStreamPrefix) + key(); }
  [[nodiscard]] ActorDeps& deps() const { return *links->deps; }
  // The load error as the registry's callbacks take it.
  [[nodiscard]] std::optional<Error> failure() const { return load_error ? std::optional<Error>(*load_error) : std::nullopt; }
  [[nodiscard]] bool has_waiting() const { return waiting && !waiting->empty(); }

  void wait(AggregateMsg<Traits> msg) {
    if (!waiting) waiting = std::make_unique<std::deque<AggregateMsg<Traits>>>();
    waiting->push_back(std::move(msg));
  }

  void load() {
    std::string k = key();
    loaded = true;
    load_error.reset();
    state = Traits::initial(k);
    version = 0;
    snapshot_version = 0;
    load_snapshot();
    auto evs = deps().log.read_stream(stream(), version + 1, SIZE_MAX);
    if (!evs) return fail_load(k, evs.error());
    for (const auto& stored : *evs) {
      // Built only on failure, from `k`: after a bad event the state may name another stream.
      auto at = [&] { return std::string(Traits::kStreamPrefix) + k + " v" + std::to_string(stored.envelope.stream_version); };
      auto ev = Traits::decode(stored.envelope);
      if (!ev) return fail_load(k, {Errc::data_loss, at() + ": " + ev.error().message});
      Traits::apply(state, *ev);
      // The state carries the key (key()), so an event naming another one must not move it.
      if (key() != k) return fail_load(k, {Errc::data_loss, at() + " names another stream"});
      version = stored.envelope.stream_version;
    }
  }

  // Loading failed: the state keeps only its key, and every command fails with `error`.
  void fail_load(const std::string& k, Error error) {
    state = Traits::initial(k);
    load_error = std::make_unique<Error>(std::move(error));
  }

  // Starts from the stored snapshot when it decodes and describes this stream; otherwise the
  // state stays initial and the whole stream is folded.
  void load_snapshot() {
    auto row = deps().log.get(storage::Family::snapshots, stream());
    if (!row || !row->has_value()) return;
    auto snap = snapshots::decode_snapshot(**row);
    Result<typename Traits::State> decoded = snap ? Traits::decode_state(snap->state) : Result<typename Traits::State>(snap.error());
    if (decoded && (Traits::key_of(*decoded) != key() || decoded->version != snap->version))
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
    req.snapshot_puts.emplace_back(stream(), snapshots::encode_snapshot({version, Traits::encode_state(state)}));
    auto* metrics = &deps().metrics;
    // Best effort: a busy writer refuses it rather than let snapshots crowd out appends; the
    // next due point tries again.
    if (deps().writer.try_append(std::move(req), [metrics](Result<storage::AppendOutcome> r) {
          if (r) metrics->counter("bitacora_snapshots_written_total", "Snapshots written").inc();
        }))
      snapshot_version = version;
  }

  void maybe_snapshot() {
    if (links->snapshots.due(version, snapshot_version, Traits::weight(state))) write_snapshot();
  }

  // Appends `req`; `then` runs in this actor once it is durable (or failed). Busy until then.
  void append(storage::AppendRequest req, std::function<void(AggregateContext&, Result<storage::AppendOutcome>)> then) {
    busy = true;
    deps().writer.append(std::move(req), [target = self, then = std::move(then)](Result<storage::AppendOutcome> r) mutable {
      caf::anon_send(target, AggregateMsg<Traits>{[then = std::move(then), r = std::move(r)](AggregateContext& ctx) mutable {
                                                    then(ctx, std::move(r));
                                                    ctx.finish();
                                                  },
                                                  true});
    });
  }

  // This actor's own events (or a holder's, for it) are durable, `head` the stream's version after
  // them in the append's outcome (0: the outcome does not name the stream, as when `evs` is
  // empty). Read from the outcome rather than counted, so that anything appended to the stream
  // by someone else in between is never skipped (apply_appended rebuilds from the log instead).
  void apply_durable(const std::vector<typename Traits::Event>& evs, std::uint64_t head) {
    if (head == 0) return apply_all(evs);
    apply_appended(evs, head);
  }

  void apply_all(const std::vector<typename Traits::Event>& evs) {
    for (const auto& e : evs) Traits::apply(state, e);
    version += evs.size();
    maybe_snapshot();
  }

  // Events appended by someone else, `head` the stream's version after them: applied when they
  // follow this state, skipped when already folded in (this actor woke after they were written),
  // and, should anything be missing between, the state is rebuilt from the log.
  void apply_appended(const std::vector<typename Traits::Event>& evs, std::uint64_t head) {
    if (version >= head) return;
    if (version + evs.size() == head) return apply_all(evs);
    load();
  }

  // Ends the current piece of work and runs what waited, until one of them is busy again.
  void finish() {
    busy = false;
    while (!busy && has_waiting()) {
      auto next = std::move(waiting->front());
      waiting->pop_front();
      next.run(*this);
    }
    if (!busy) waiting.reset();
  }

  // The registry found this actor idle (`token`: its send count then). It leaves only when it has
  // nothing to do and nothing was sent to it since; then it snapshots and frees its state.
  void try_retire(std::uint64_t token) {
    if (busy || has_waiting() || retired) return;
    if (!links->leave(key(), token, self)) return;
    if (links->snapshots.every_events > 0 && version - snapshot_version >= snapshots::kRetireMinTail) write_snapshot();
    retired = true;
    state = Traits::initial(std::string(key()));  // keeps only the key, to forward what still arrives
  }
};

template <class Traits>
caf::behavior aggregate_actor(caf::stateful_actor<AggregateContext<Traits>>* self,
                              std::shared_ptr<const AggregateLinks<Traits>> links, std::string key) {
  auto& ctx = self->state;
  ctx.state = Traits::initial(key);
  ctx.links = std::move(links);
  ctx.self = caf::actor_cast<caf::actor>(self);
  return {
      [self](AggregateMsg<Traits>& msg) {
        auto& c = self->state;
        if (msg.quit) return self->quit();
        if (c.retired) {
          if (!msg.control) c.links->forward(c.key(), std::move(msg));  // sent just before it left
          return;
        }
        // A load that failed for want of storage (the log being reopened, say) is tried again with
        // the next message rather than failing every command until the actor is passivated.
        if (!c.loaded || (c.load_error && retryable(c.load_error->code) && !c.busy)) c.load();
        if (c.busy && !msg.immediate) {
          c.wait(std::move(msg));
          return;
        }
        msg.run(c);
      },
  };
}

// The outcome of a command: the state after it, a domain refusal, or a storage failure.
template <class Traits>
using CommandOutcome = std::variant<typename Traits::State, domain::DomainError, Error>;

template <class Traits>
storage::AppendRequest make_append(const AggregateContext<Traits>& ctx, const std::vector<typename Traits::Event>& evs,
                                   const typename Traits::State& after) {
  storage::AppendRequest req;
  for (const auto& e : evs) req.events.push_back(Traits::encode(ctx.key(), e));
  if (Traits::kCheckVersion) req.expected_version = ctx.version;
  Traits::decorate(ctx.key(), after, req);
  return req;
}

}  // namespace bitacora::actors
