// `bitacora export` (API.md §6): the log as JSON lines, one event each —
// {"seq","stream","version","type","at","data"} — in sequence order. Opens the data directory
// read-only, so it runs beside a live server (it sees what was durable when it opened).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace bitacora::app {

struct ExportFlags {
  std::string data_dir;
  std::uint64_t from_seq = 1;
  std::string stream_prefix;  // empty: every stream
};

// Writes to `out`; progress goes to stderr when it is a terminal. Returns the exit code:
// 0 done, 1 the log could not be read, 2 no bitacora database in data_dir.
[[nodiscard]] int export_events(const ExportFlags& flags, std::ostream& out);

}  // namespace bitacora::app
