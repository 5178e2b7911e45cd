// The envelope every stored event travels in, and its binary codec.
//
// Layout, format version 2 (all integers little-endian fixed width unless noted):
//   u8 format_version | varint len + stream | u64 stream_version | varint len + type |
//   i64 at (µs since epoch, UTC) | varint len + data (the event's JSON payload) |
//   32 bytes prev_hash (SHA-256 of the previous event's stored bytes: the hash chain)
// Version 1 is the same without prev_hash; it is still read (prev_hash empty).
// A new field means a new format version; decode keeps reading every older version.
// Pure value code; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "support/json_writer.hpp"
#include "support/result.hpp"
#include "support/time.hpp"

namespace bitacora::events {

using Seq = std::uint64_t;  // global sequence number, dense, from 1

inline constexpr std::uint8_t kEnvelopeFormat = 2;
inline constexpr std::size_t kHashBytes = 32;

struct Envelope {
  std::string stream;            // "webhook/stripe:evt_1", "order/ORD-1", …
  std::uint64_t stream_version = 0;  // 1 for a stream's first event
  std::string type;              // the event struct's name: "WebhookReceived"
  Micros at = 0;                 // when it was appended
  std::string data;              // the event's own JSON (see the event's codec)
  // SHA-256 of the previous event's stored bytes (all zero before the first event); empty in a
  // format-1 envelope, written before the log had a chain. Set by the log writer.
  std::string prev_hash;
};

// An envelope read in place: its strings point into the stored bytes, which must outlive it.
// For passes over the whole log (audit), which would otherwise copy every event's strings.
struct EnvelopeView {
  std::string_view stream;
  std::uint64_t stream_version = 0;
  std::string_view type;
  Micros at = 0;
  std::string_view data;
  std::string_view prev_hash;

  EnvelopeView() = default;
  EnvelopeView(const Envelope& e)  // NOLINT(google-explicit-constructor): an Envelope is viewable as is
      : stream(e.stream), stream_version(e.stream_version), type(e.type), at(e.at), data(e.data), prev_hash(e.prev_hash) {}
};

[[nodiscard]] std::string encode(const Envelope& e);
[[nodiscard]] Result<Envelope> decode_envelope(std::string_view bytes);
[[nodiscard]] Result<EnvelopeView> decode_envelope_view(std::string_view bytes);

// How the tools name an event in what they report: "seq N (stream vV)".
[[nodiscard]] std::string event_ref(Seq seq, std::string_view stream, std::uint64_t version);

// The same envelope as one JSON object: {"seq","stream","version","type","at","data"} (API.md §5).
[[nodiscard]] std::string to_json(Seq seq, const Envelope& e);
// Those fields, written into an object `w` has open (for callers that add more, like replay).
void write_fields(JsonWriter& w, Seq seq, const Envelope& e);

}  // namespace bitacora::events
