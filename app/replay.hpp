// `bitacora replay` (API.md §6): one stream's events — or every stream's, in sequence order — as
// JSON lines, each with the state its stream has after it:
//   {"seq","stream","version","type","at","data","state"}
// up to `--to-seq N` or `--until TIME` (RFC 3339; events at or before it); with `--last`, only each
// stream's last event up to there, with its state then (a hot product's state after each of its
// events is far more text than anyone asking "what did it look like at 10:42" wants). The state is the
// aggregate folded from the log alone (snapshots/rebuild.hpp), never the live server's.
// Opens the data directory read-only, so it runs beside a live server.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace bitacora::app {

struct ReplayFlags {
  std::string data_dir;
  std::string stream;                 // empty: every stream
  std::optional<std::uint64_t> to_seq;
  std::optional<std::string> until;   // RFC 3339
  bool last_only = false;             // --last
};

// Returns the exit code: 0 done; 1 the log could not be read or an event does not fold (named on
// stderr with its sequence); 2 no bitacora database in data_dir, a bad --until, or a stream
// without events.
[[nodiscard]] int replay(const ReplayFlags& flags, std::ostream& out);

}  // namespace bitacora::app
