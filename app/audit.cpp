#include "app/audit.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ostream>
#include <variant>

#include "app/audit_state.hpp"
#include "app/progress.hpp"
#include "events/catalog_events.hpp"
#include "events/order_events.hpp"
#include "snapshots/aggregates.hpp"
#include "snapshots/snapshot.hpp"
#include "storage/keys.hpp"
#include "storage/log.hpp"
#include "support/crypto.hpp"

namespace bitacora::app {
namespace {

using namespace audit_detail;

// One pass over the log, oldest first: the chain, the envelopes, the stream versions, the folds,
// the stock invariants after each product event, and each snapshot at its version.
class Pass {
 public:
  Pass(Findings& f, std::optional<events::Seq> chain_start, std::map<std::string, snapshots::Snapshot, std::less<>> snapshots)
      : f_(f), chain_start_(chain_start), snapshots_(std::move(snapshots)) {}

  // Takes the log's next event. It is folded three events later: meanwhile the memory its stream
  // lives in is asked for, a step per event (the index slot, then the stream, then its state), so
  // that folding it finds them in the cache. finish() folds the last ones.
  void visit(events::Seq seq, std::string_view bytes) {
    Ahead& a = ahead_[taken_ % kAhead];
    a.seq = seq;
    a.bytes.assign(bytes);
    a.env = events::decode_envelope_view(a.bytes);
    a.hash = *a.env ? StreamTable::hash_of((*a.env)->stream) : 0;
    a.stream = nullptr;
    f_.streams.prefetch_slot(a.hash);
    if (taken_ >= 1) {
      Ahead& b = ahead_[(taken_ - 1) % kAhead];
      if (*b.env) b.stream = f_.streams.prefetch_stream(b.hash);
    }
    if (taken_ >= 2) {
      if (const Stream* s = ahead_[(taken_ - 2) % kAhead].stream) prefetch_state(*s);
    }
    ++taken_;
    if (taken_ >= kAhead) fold_event(taken_ - kAhead);
  }

  void finish(const std::optional<std::string>& chain_head) {
    for (auto i = taken_ - std::min<std::uint64_t>(taken_, kAhead - 1); i < taken_; ++i) fold_event(i);
    if (chain_start_ && last_seq_ >= *chain_start_) {
      if (!chain_head) f_.violation("seq " + std::to_string(last_seq_) + ": the chain head row beside it is missing");
      else if (*chain_head != digest_view())
        f_.violation("seq " + std::to_string(last_seq_) + ": its stored bytes do not match the chain head recorded with it");
    }
    for (const auto& [stream, snap] : snapshots_) {
      const auto* s = f_.streams.find(stream);
      if (!s || s->version < snap.version)
        f_.violation("snapshot of " + stream + " covers version " + std::to_string(snap.version) +
                     ", which the log does not reach");
    }
  }

  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] events::Seq last_seq() const { return last_seq_; }

 private:
  // An event taken and not yet folded.
  struct Ahead {
    events::Seq seq = 0;
    std::string bytes;  // a copy: the log's own bytes last only until it moves on
    std::optional<Result<events::EnvelopeView>> env;  // views into `bytes`
    std::uint64_t hash = 0;                            // of env's stream name
    const Stream* stream = nullptr;                    // its stream, once looked up (a guess by hash)
    crypto::Digest digest{};                           // of `bytes`, once hashed
  };
  static constexpr std::uint64_t kAhead = 4;

  static void prefetch_state(const Stream& s) {
    __builtin_prefetch(s.name.data());
    std::visit(
        [](const auto& state) {
          if constexpr (requires { state.get(); }) {
            const auto* bytes = reinterpret_cast<const char*>(state.get());
            for (std::size_t line = 0; bytes && line < std::min<std::size_t>(sizeof(*state), 256); line += 64)
              __builtin_prefetch(bytes + line);
          }
        },
        s.state);
    if (s.tally) __builtin_prefetch(s.tally.get());
  }

  // Folds the i-th event taken. The digests of the events taken and not yet hashed are computed
  // together first: sha256_each hashes two at a time, and the chain needs each only at the next event.
  void fold_event(std::uint64_t i) {
    if (i >= hashed_) hash_taken();
    const Ahead& a = ahead_[i % kAhead];
    ++count_;
    if (a.seq != last_seq_ + 1)
      f_.violation("seq " + std::to_string(last_seq_ + 1) + ": missing (the log goes on at seq " + std::to_string(a.seq) + ")");
    if (!*a.env) {
      f_.violation("seq " + std::to_string(a.seq) + ": " + a.env->error().message);
    } else {
      check_link(a.seq, **a.env);
      fold(a.seq, **a.env, a.hash);
    }
    prev_digest_ = a.digest;
    last_seq_ = a.seq;
  }

  void hash_taken() {
    std::array<std::string_view, kAhead> bytes;
    std::array<crypto::Digest, kAhead> digests;
    const auto n = taken_ - hashed_;
    for (std::uint64_t j = 0; j < n; ++j) bytes[j] = ahead_[(hashed_ + j) % kAhead].bytes;
    crypto::sha256_each(std::span(bytes).first(n), std::span(digests).first(n));
    for (std::uint64_t j = 0; j < n; ++j) ahead_[(hashed_ + j) % kAhead].digest = digests[j];
    hashed_ = taken_;
  }

  // seq's envelope must hold the digest of seq-1's stored bytes (zeros before seq 1). A broken
  // link names seq-1: its bytes are not those seq recorded (or seq's own record was altered).
  void check_link(events::Seq seq, const events::EnvelopeView& e) {
    if (!chain_start_ || seq < *chain_start_) {
      // The `meta` row is checked against the envelopes: a chained one before it says it was altered.
      if (!e.prev_hash.empty())
        f_.violation("seq " + std::to_string(seq) + ": carries a chain hash, but the log records its chain as starting " +
                     (chain_start_ ? "at seq " + std::to_string(*chain_start_) : std::string("nowhere")));
      return;
    }
    if (e.prev_hash.size() != events::kHashBytes) {
      f_.violation("seq " + std::to_string(seq) + ": no chain hash, though the chain starts at seq " + std::to_string(*chain_start_));
      return;
    }
    static const std::string zeros(events::kHashBytes, '\0');
    if (e.prev_hash != (seq == 1 ? std::string_view(zeros) : digest_view()))
      f_.violation("seq " + std::to_string(seq - 1) + ": its stored bytes do not match the hash recorded by seq " +
                   std::to_string(seq) + " (one of the two was altered)");
  }

  void fold(events::Seq seq, const events::EnvelopeView& e, std::uint64_t stream_hash) {
    auto& s = f_.streams.get(e.stream, stream_hash);
    if (s.last_seq == 0 && !snapshots_.empty()) {  // met for the first time: is a snapshot of it stored?
      auto snap = snapshots_.find(e.stream);
      s.snapshot = snap == snapshots_.end() ? nullptr : &snap->second;
    }
    auto at = [&] { return events::event_ref(seq, e.stream, e.stream_version); };
    if (e.stream_version != s.version + 1)
      f_.violation(at() + ": version follows v" + std::to_string(s.version));
    s.version = e.stream_version;
    s.last_seq = seq;
    if (auto* p = snapshots::state_if<domain::ProductState>(s.state)) {
      if (auto r = fold_product(at, e, *p); !r) return f_.violation(at() + ": " + r.error().message);
    } else if (auto* c = snapshots::state_if<domain::CouponState>(s.state)) {
      if (auto r = fold_coupon(at, e, *c); !r) return f_.violation(at() + ": " + r.error().message);
    } else {
      if (auto r = snapshots::apply_event(s.state, e); !r) return f_.violation(at() + ": " + r.error().message);
      if (e.type == events::PaymentApproved::kType) s.count_approval();
    }
    if (s.snapshot && s.snapshot->version == s.version) {
      ++f_.snapshots_checked;
      if (snapshots::any_state_json(s.state) != s.snapshot->state)
        f_.violation("snapshot of " + std::string(e.stream) + " at v" + std::to_string(s.version) +
                     " differs from the state rebuilt from the log (" + at() + ")");
    }
  }

  // Products are folded here rather than by snapshots::apply_event, though through the same
  // descriptor, so that each event is decoded once and checked against the state it follows, and
  // the stock invariants after it: a lookup or two per event, never a pass over the reservations,
  // as a popular product holds thousands. Folded even when it does not fit, as the live actor did.
  template <class At>
  Status fold_product(const At& at, const events::EnvelopeView& e, domain::ProductState& p) {
    using Product = snapshots::ProductAggregate;
    auto ev = Product::decode_event(e.type, e.data);
    if (!ev) return ev.error();
    if (auto why = domain::misfit(p, *ev)) f_.violation(at() + ": " + *why);
    if (const auto* c = std::get_if<events::ReservationConfirmed>(&*ev)) count_confirmation(at, c->order_reference, p.sku);
    Product::apply(p, std::move(*ev));
    if (p.on_hand < 0 || p.reserved < 0 || p.reserved > p.on_hand)
      f_.violation(at() + ": stock invariant broken (on_hand " + std::to_string(p.on_hand) + ", reserved " +
                   std::to_string(p.reserved) + ")");
    return ok_status();
  }

  // A coupon's use events are checked against the uses they follow, as a product's reservations are.
  template <class At>
  Status fold_coupon(const At& at, const events::EnvelopeView& e, domain::CouponState& c) {
    using Coupon = snapshots::CouponAggregate;
    auto ev = Coupon::decode_event(e.type, e.data);
    if (!ev) return ev.error();
    if (auto why = domain::misfit(c, *ev)) f_.violation(at() + ": " + *why);
    Coupon::apply(c, std::move(*ev));
    return ok_status();
  }

  // Counted on the order's stream, which placed the order before any of its stock was reserved.
  template <class At>
  void count_confirmation(const At& at, const OrderRef& order, const Sku& sku) {
    auto* s = f_.streams.find(events::order_stream(order));
    if (!s || !snapshots::state_if<domain::OrderState>(s->state))
      return f_.violation(at() + ": confirms the stock of order " + order.value() + ", which has no stream");
    s->count_confirmation(sku);
  }

  // The previous event's digest, as the bytes an envelope's prev_hash holds.
  [[nodiscard]] std::string_view digest_view() const {
    return {reinterpret_cast<const char*>(prev_digest_.data()), prev_digest_.size()};
  }

  Findings& f_;
  std::optional<events::Seq> chain_start_;
  std::map<std::string, snapshots::Snapshot, std::less<>> snapshots_;
  crypto::Digest prev_digest_{};
  events::Seq last_seq_ = 0;
  std::uint64_t count_ = 0;
  std::array<Ahead, kAhead> ahead_;
  std::uint64_t taken_ = 0;
  std::uint64_t hashed_ = 0;  // events taken whose digest is known
};

std::uint64_t leading_seq(const std::string& v) {
  if (v.rfind("seq ", 0) != 0) return UINT64_MAX;
  return std::strtoull(v.c_str() + 4, nullptr, 10);
}

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "bitacora audit: %s\n", message.c_str());
  return code;
}

}  // namespace

int audit(const AuditFlags& flags, std::ostream& out) {
  const auto started = std::chrono::steady_clock::now();
  storage::LogOptions options;
  options.dir = flags.data_dir;
  auto log = storage::EventLog::open(options, storage::OpenMode::read_only);
  if (!log) return fail(log.error().code == Errc::not_found ? 2 : 1, log.error().message);
  const auto& db = **log;

  Findings f;
  std::map<std::string, snapshots::Snapshot, std::less<>> snaps;
  auto s = db.scan(storage::Family::snapshots, std::nullopt, false, [&](std::string_view k, std::string_view v) {
    auto snap = snapshots::decode_snapshot(v);
    if (!snap) f.violation("snapshot of " + std::string(k) + ": " + snap.error().message);
    else snaps.emplace(std::string(k), std::move(*snap));
    return true;
  });
  if (!s) return fail(1, s.error().message);
  s = db.scan(storage::Family::timers, std::nullopt, false, [&](std::string_view k, std::string_view) {
    if (auto parts = storage::keys::read_timer(k)) f.timers.emplace(std::string(parts->kind), std::string(parts->target));
    else f.violation("a timer row has a malformed key");
    return true;
  });
  if (!s) return fail(1, s.error().message);
  auto chain_start = db.chain_start();
  auto chain_head = db.get(storage::Family::meta, std::string(storage::kChainHeadKey));
  auto last = db.last_seq();
  if (!chain_start) return fail(1, chain_start.error().message);
  if (!chain_head) return fail(1, chain_head.error().message);
  if (!last) return fail(1, last.error().message);

  Progress progress("audited", *last);
  Pass pass(f, *chain_start, std::move(snaps));
  // Streams usually hold several events; sizing the table up front spares most of its rehashes.
  f.streams.reserve(std::min<std::uint64_t>(*last / 8, 4u << 20));
  const auto folding = std::chrono::steady_clock::now();
  s = db.for_each_event(1, [&](events::Seq seq, std::string_view bytes) {
    pass.visit(seq, bytes);
    progress.update(seq);
    return true;
  });
  progress.clear();
  if (!s) return fail(1, s.error().message);
  pass.finish(*chain_head);
  const auto folded = std::chrono::steady_clock::now();
  check_cross_aggregate(f);

  // Summary.
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::map<std::string, std::uint64_t> kinds, orders, webhooks;
  f.streams.for_each([&](const Stream& st) {
    ++kinds[st.name.substr(0, st.name.find('/'))];
    if (const auto* o = snapshots::state_if<domain::OrderState>(st.state)) ++orders[std::string(domain::to_string(o->status))];
    if (const auto* w = snapshots::state_if<domain::WebhookSummary>(st.state)) ++webhooks[std::string(domain::to_string(w->status))];
  });
  auto list = [](const std::map<std::string, std::uint64_t>& m) {
    std::string text;
    for (const auto& [k, v] : m) text += (text.empty() ? "" : ", ") + k + " " + std::to_string(v);
    return text.empty() ? std::string("none") : text;
  };
  out << "bitacora audit of " << flags.data_dir << ": " << pass.count() << " events (last seq " << pass.last_seq() << ") in "
      << seconds << " s (" << static_cast<std::uint64_t>(static_cast<double>(pass.count()) / std::max(seconds, 1e-9))
      << " events/s)\n";
  // The fold alone (read, hash, decode, apply, check per event), apart from opening the database
  // and reading its snapshots and timers, which dominate a small log.
  const double fold_seconds = std::chrono::duration<double>(folded - folding).count();
  out << "  fold: " << fold_seconds << " s (" << static_cast<std::uint64_t>(static_cast<double>(pass.count()) / std::max(fold_seconds, 1e-9))
      << " events/s), after " << std::chrono::duration<double>(folding - started).count() << " s opening\n";
  out << "  streams: " << list(kinds) << "\n";
  out << "  orders: " << list(orders) << "\n";
  out << "  webhooks: " << list(webhooks) << "\n";
  out << "  snapshots checked: " << f.snapshots_checked << "\n";
  if (*chain_start) out << "  hash chain: checked from seq " << **chain_start << "\n";
  else out << "  hash chain: none recorded\n";
  std::stable_sort(f.violations.begin(), f.violations.end(),
                   [](const auto& a, const auto& b) { return leading_seq(a) < leading_seq(b); });
  out << "  violations: " << f.violations.size() << "\n";
  for (const auto& v : f.violations) out << "violation: " << v << "\n";
  out.flush();
  return f.violations.empty() ? 0 : 1;
}

}  // namespace bitacora::app
