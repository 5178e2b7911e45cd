// AggregateActor<Traits>: one CAF actor per aggregate key (`product/<sku>`, `cart/<user>`,
// `order/<reference>`), the replacement for SELECT … FOR UPDATE. It rebuilds its state from the
// log when it wakes, and handles one piece of work at a time: while an append is in flight, or
// while a coordinator holds it, later work waits in its queue (reads do not).
//
// Work is sent as closures (`AggregateMsg`) that run inside the actor with its context; the
// free functions below (`command`, `hold`, `commit_held`, `release_held`, `get`) build them.
// Callbacks given to them run on the actor's thread: keep them short (post elsewhere).
//
// Traits provides: State, Event, Command; `kStreamPrefix`; `initial(key)`; `apply(State&, const
// Event&)`; `decode(const events::Envelope&) → Result<Event>`; `encode(key, const Event&) →
// storage::NewEvent`; `decide(const State&, const Command&) → domain::Decision<Event>`; and
// `decorate(key, const State& after, storage::AppendRequest&)` for index rows, counters, timers;
// `kCheckVersion`: whether the actor's own appends assert the stream's version (false where
// coordinators may append to the stream without holding the actor, see apply_external).
#pragma once

#include <caf/all.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "actors/deps.hpp"
#include "domain/errors.hpp"
#include "storage/append.hpp"
#include "support/result.hpp"

namespace bitacora::actors {

template <class Traits>
struct AggregateContext;

template <class Traits>
struct AggregateMsg {
  std::function<void(AggregateContext<Traits>&)> run;
  bool immediate = false;  // runs even while the actor is busy (reads, completions)
};

template <class Traits>
struct AggregateContext {
  std::string key;
  ActorDeps* deps = nullptr;
  caf::actor self;
  typename Traits::State state{};
  std::uint64_t version = 0;
  std::optional<Error> load_error;  // the log could not be read: every command fails with it
  bool loaded = false;
  bool busy = false;
  std::deque<AggregateMsg<Traits>> waiting;

  [[nodiscard]] std::string stream() const { return std::string(Traits::kStreamPrefix) + key; }

  void load() {
    loaded = true;
    state = Traits::initial(key);
    auto evs = deps->log.read_stream(stream(), 1, SIZE_MAX);
    if (!evs) {
      load_error = evs.error();
      return;
    }
    for (const auto& stored : *evs) {
      auto ev = Traits::decode(stored.envelope);
      if (!ev) {
        load_error = Error{Errc::data_loss, stream() + " v" + std::to_string(stored.envelope.stream_version) +
                                                ": " + ev.error().message};
        return;
      }
      Traits::apply(state, *ev);
      version = stored.envelope.stream_version;
    }
  }

  // Appends `req`; `then` runs in this actor once it is durable (or failed). Busy until then.
  void append(storage::AppendRequest req, std::function<void(AggregateContext&, Result<storage::AppendOutcome>)> then) {
    busy = true;
    deps->writer.append(std::move(req), [target = self, then = std::move(then)](Result<storage::AppendOutcome> r) mutable {
      caf::anon_send(target, AggregateMsg<Traits>{[then = std::move(then), r = std::move(r)](AggregateContext& ctx) mutable {
                                                    then(ctx, std::move(r));
                                                    ctx.finish();
                                                  },
                                                  true});
    });
  }

  void apply_all(const std::vector<typename Traits::Event>& evs) {
    for (const auto& e : evs) Traits::apply(state, e);
    version += evs.size();
  }

  // Ends the current piece of work and runs what waited, until one of them is busy again.
  void finish() {
    busy = false;
    while (!busy && !waiting.empty()) {
      auto next = std::move(waiting.front());
      waiting.pop_front();
      next.run(*this);
    }
  }
};

template <class Traits>
caf::behavior aggregate_actor(caf::stateful_actor<AggregateContext<Traits>>* self, ActorDeps* deps, std::string key) {
  auto& ctx = self->state;
  ctx.key = std::move(key);
  ctx.deps = deps;
  ctx.self = caf::actor_cast<caf::actor>(self);
  return {
      [self](AggregateMsg<Traits>& msg) {
        auto& c = self->state;
        if (!c.loaded) c.load();
        if (c.busy && !msg.immediate) {
          c.waiting.push_back(std::move(msg));
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
  for (const auto& e : evs) req.events.push_back(Traits::encode(ctx.key, e));
  if (Traits::kCheckVersion) req.expected_version = ctx.version;
  Traits::decorate(ctx.key, after, req);
  return req;
}

// decide → append → apply → reply, one command at a time per key.
template <class Traits>
void command(const caf::actor& target, typename Traits::Command cmd, std::function<void(CommandOutcome<Traits>)> reply) {
  caf::anon_send(target, AggregateMsg<Traits>{[cmd = std::move(cmd), reply = std::move(reply)](AggregateContext<Traits>& ctx) {
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
      c.apply_all(evs);
      reply(c.state);
    });
  }});
}

// Reads the current state (served even while the actor is busy: it is the last durable state).
template <class Traits>
void get(const caf::actor& target, std::function<void(const typename Traits::State&, std::uint64_t, const std::optional<Error>&)> reply) {
  caf::anon_send(target, AggregateMsg<Traits>{[reply = std::move(reply)](AggregateContext<Traits>& ctx) {
                                                reply(ctx.state, ctx.version, ctx.load_error);
                                              },
                                              true});
}

// A coordinator takes the actor: `on_held` gets its state, and nothing else is done to it until
// commit_held or release_held. Coordinators hold several actors in stream-name order, so two of
// them never wait on each other.
template <class Traits>
void hold(const caf::actor& target,
          std::function<void(const typename Traits::State&, std::uint64_t, const std::optional<Error>&)> on_held) {
  caf::anon_send(target, AggregateMsg<Traits>{[on_held = std::move(on_held)](AggregateContext<Traits>& ctx) {
    ctx.busy = true;
    on_held(ctx.state, ctx.version, ctx.load_error);
  }});
}

// The coordinator's batch is durable: apply its events for this actor and let it go.
template <class Traits>
void commit_held(const caf::actor& target, std::vector<typename Traits::Event> evs) {
  caf::anon_send(target, AggregateMsg<Traits>{[evs = std::move(evs)](AggregateContext<Traits>& ctx) {
                                                ctx.apply_all(evs);
                                                ctx.finish();
                                              },
                                              true});
}

// Events a coordinator appended without holding this actor (only facts that cannot invalidate a
// decision the actor may be making meanwhile, such as confirming or releasing a reservation held
// by an order the coordinator does hold): apply them when they arrive.
template <class Traits>
void apply_external(const caf::actor& target, std::vector<typename Traits::Event> evs) {
  caf::anon_send(target, AggregateMsg<Traits>{[evs = std::move(evs)](AggregateContext<Traits>& ctx) { ctx.apply_all(evs); }, true});
}

template <class Traits>
void release_held(const caf::actor& target) {
  caf::anon_send(target, AggregateMsg<Traits>{[](AggregateContext<Traits>& ctx) { ctx.finish(); }, true});
}

}  // namespace bitacora::actors
