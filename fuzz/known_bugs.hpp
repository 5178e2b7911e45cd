// Inputs that reach a bug already found and reported, which the targets step around so that a long
// run keeps looking for new ones instead of stopping at the same crash. Each filter names its
// reproducer in fuzz/regressions/; delete the filter once the bug is fixed (and move the
// reproducer into fuzz/corpus/ as a seed). BITACORA_FUZZ_NO_FILTERS=1 turns every filter off, to
// reproduce: BITACORA_FUZZ_NO_FILTERS=1 build-fuzz/fuzz/<target> fuzz/regressions/<target>/<file>
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace fuzz_known_bugs {

inline bool filters_on() {
  static const bool on = std::getenv("BITACORA_FUZZ_NO_FILTERS") == nullptr;
  return on;
}

// support/time.cpp format_rfc3339(t) computes t - 999'999 for a negative t, which overflows (UB)
// for t < INT64_MIN + 999'999. Every encoder that writes a time (events' io.time, snapshot states'
// expires_at, the envelope's "at" in to_json) reaches it with a decoded value.
// Reproducers: fuzz/regressions/{fuzz_envelope,fuzz_event_payloads,fuzz_snapshot}/format_rfc3339_overflow
inline bool format_rfc3339_overflows(std::int64_t micros) {
  return filters_on() && micros < std::numeric_limits<std::int64_t>::min() + 999'999;
}
// The same, for JSON text about to be decoded and re-encoded: every integer in that range is written
// with this prefix (JSON allows no leading zeros or '+', and simdjson reads no exponent as int64).
inline bool json_may_overflow_format_rfc3339(std::string_view json) {
  return filters_on() && json.find("-922337203685") != std::string_view::npos;
}

// events/json_fields.hpp Document checks a text's shape by walking the root object's members, but
// On-Demand skips a nested value by counting brackets, without checking what is inside it (a
// ']' closing a '{', a stray token after a string). A later out-of-order member lookup then wraps
// around the root object and meets what simdjson assumes it already validated: SIMDJSON_ASSUME
// fails, which is __builtin_unreachable (undefined behaviour) in a release build. Every decoder
// built on Document (events, summaries, quarantine rows, snapshot states) can reach it.
// Reproducers: fuzz/regressions/{fuzz_event_payloads,fuzz_snapshot}/ondemand_unvalidated_nesting
// The filter: a text with a nested object or array that is not valid JSON (simdjson's DOM parser,
// which validates everything). Flat texts are still fuzzed whether valid or not.
inline bool json_invalid_and_nested(std::string_view json) {
  if (!filters_on()) return false;
  bool in_string = false, escaped = false;
  int depth = 0, max_depth = 0;
  for (char c : json) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  if (max_depth < 2) return false;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element ignored;
  return parser.parse(json.data(), json.size()).get(ignored) != simdjson::SUCCESS;
}

}  // namespace fuzz_known_bugs
