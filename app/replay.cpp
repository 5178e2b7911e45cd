#include "app/replay.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <ostream>
#include <unordered_map>
#include <vector>

#include "events/envelope.hpp"
#include "snapshots/rebuild.hpp"
#include "app/progress.hpp"
#include "storage/log.hpp"
#include "support/json_writer.hpp"

namespace bitacora::app {
namespace {

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "bitacora replay: %s\n", message.c_str());
  return code;
}

std::string line_of(events::Seq seq, const events::Envelope& e, const std::string& state) {
  JsonWriter w;
  w.begin_object();
  events::write_fields(w, seq, e);
  w.key("state").raw(state).end_object();
  return std::move(w).str();
}

// Folds events one at a time and prints each with its stream's state, or (last_only) keeps each
// stream's last event for finish() to print; false (and the exit code) when one does not fold.
class Printer {
 public:
  Printer(std::ostream& out, events::Seq to_seq, Micros until, bool last_only)
      : out_(out), to_seq_(to_seq), until_(until), last_only_(last_only) {}

  // False once past the limit (stop reading). Times are compared to the millisecond, the
  // precision every time the API shows has, so an event's own "at" passed as --until keeps it.
  [[nodiscard]] bool within(events::Seq seq, const events::Envelope& e) const {
    return seq <= to_seq_ && e.at / 1000 <= until_ / 1000;
  }

  [[nodiscard]] bool print(events::Seq seq, const events::Envelope& e) {
    auto it = streams_.find(e.stream);
    if (it == streams_.end()) it = streams_.emplace(e.stream, Folded{snapshots::initial_state(e.stream)}).first;
    Folded& f = it->second;
    if (auto s = snapshots::apply_event(f.state, e); !s) {
      error_ = events::event_ref(seq, e.stream, e.stream_version) + ": " + s.error().message;
      return false;
    }
    if (last_only_) {
      f.last_seq = seq;
      f.last = e;
      return true;
    }
    out_ << line_of(seq, e, snapshots::any_state_json(f.state)) << '\n';
    return true;
  }

  // With last_only, each stream's last event, in sequence order.
  void finish() {
    if (!last_only_) return;
    std::vector<const Folded*> last;
    for (const auto& [stream, f] : streams_) last.push_back(&f);
    std::sort(last.begin(), last.end(), [](const Folded* a, const Folded* b) { return a->last_seq < b->last_seq; });
    for (const Folded* f : last) out_ << line_of(f->last_seq, f->last, snapshots::any_state_json(f->state)) << '\n';
  }

  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  struct Folded {
    snapshots::AnyState state;
    events::Seq last_seq = 0;  // last_only: the last event folded in
    events::Envelope last{};
  };

  std::ostream& out_;
  events::Seq to_seq_;
  Micros until_;
  bool last_only_;
  std::unordered_map<std::string, Folded> streams_;
  std::string error_;
};

// One stream, a page at a time; `any` says whether it has events, `failed` whether one did not fold.
Status print_stream(const storage::EventLog& log, const std::string& stream, Printer& printer, bool& any, bool& failed) {
  constexpr std::size_t kPage = 10'000;
  for (std::uint64_t from = 1;;) {
    auto page = log.read_stream(stream, from, kPage);
    if (!page) return page.error();
    for (const auto& ev : *page) {
      any = true;
      if (!printer.within(ev.seq, ev.envelope)) return ok_status();
      if (!printer.print(ev.seq, ev.envelope)) {
        failed = true;
        return ok_status();
      }
    }
    if (page->size() < kPage) return ok_status();
    from = page->back().envelope.stream_version + 1;
  }
}

}  // namespace

int replay(const ReplayFlags& flags, std::ostream& out) {
  Micros until = std::numeric_limits<Micros>::max();
  if (flags.until) {
    auto t = parse_rfc3339(*flags.until);
    if (!t) return fail(2, "--until: expected an RFC 3339 time such as 2026-11-22T10:42:00Z, got \"" + *flags.until + "\"");
    until = *t;
  }
  storage::LogOptions options;
  options.dir = flags.data_dir;
  auto log = storage::EventLog::open(options, storage::OpenMode::read_only);
  if (!log) return fail(log.error().code == Errc::not_found ? 2 : 1, log.error().message);

  Printer printer(out, flags.to_seq.value_or(std::numeric_limits<events::Seq>::max()), until, flags.last_only);
  bool failed = false;
  if (!flags.stream.empty()) {
    bool any = false;
    if (auto s = print_stream(**log, flags.stream, printer, any, failed); !s) return fail(1, s.error().message);
    if (!any) return fail(2, "stream \"" + flags.stream + "\" has no events");
  } else {
    std::string decode_error;
    auto last = (*log)->last_seq();
    Progress progress("replayed", last ? std::min(*last, flags.to_seq.value_or(*last)) : 0);
    auto s = (*log)->for_each_event(1, [&](events::Seq seq, std::string_view bytes) {
      auto env = events::decode_envelope(bytes);
      if (!env) {
        decode_error = "seq " + std::to_string(seq) + ": " + env.error().message;
        return false;
      }
      if (!printer.within(seq, *env)) return false;
      if (!printer.print(seq, *env)) {
        failed = true;
        return false;
      }
      progress.update(seq);
      return true;
    });
    progress.clear();
    if (!s) return fail(1, s.error().message);
    if (!decode_error.empty()) return fail(1, decode_error);
  }
  if (failed) {
    out.flush();
    return fail(1, printer.error());
  }
  printer.finish();
  out.flush();
  return out ? 0 : 1;
}

}  // namespace bitacora::app
