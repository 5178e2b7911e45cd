#include "events/envelope.hpp"

#include <cstring>

#include "support/json_writer.hpp"

namespace bitacora::events {
namespace {

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

template <class T>
void put_fixed(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}

void put_bytes(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return false;
      auto b = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  template <class T>
  bool fixed(T& v) {
    if (in_.size() < sizeof(T)) return false;
    std::memcpy(&v, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool bytes(std::string_view& s) {
    std::uint64_t n = 0;
    return varint(n) && raw(s, n);
  }
  bool raw(std::string_view& s, std::size_t n) {
    if (in_.size() < n) return false;
    s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  [[nodiscard]] bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace

std::string encode(const Envelope& e) {
  std::string out;
  out.reserve(32 + e.stream.size() + e.type.size() + e.data.size());
  out.push_back(static_cast<char>(kEnvelopeFormat));
  put_bytes(out, e.stream);
  put_fixed(out, e.stream_version);
  put_bytes(out, e.type);
  put_fixed(out, e.at);
  put_bytes(out, e.data);
  std::string hash = e.prev_hash;
  hash.resize(kHashBytes, '\0');
  out.append(hash);
  return out;
}

Result<EnvelopeView> decode_envelope_view(std::string_view bytes) {
  if (bytes.empty()) return Error{Errc::data_loss, "empty envelope"};
  auto version = static_cast<std::uint8_t>(bytes.front());
  if (version != 1 && version != 2)
    return Error{Errc::data_loss, "unknown envelope format " + std::to_string(version)};
  Reader r(bytes.substr(1));
  EnvelopeView e;
  if (!r.bytes(e.stream) || !r.fixed(e.stream_version) || !r.bytes(e.type) || !r.fixed(e.at) || !r.bytes(e.data))
    return Error{Errc::data_loss, "truncated or malformed envelope"};
  if (version >= 2 && !r.raw(e.prev_hash, kHashBytes)) return Error{Errc::data_loss, "envelope without its chain hash"};
  if (!r.done()) return Error{Errc::data_loss, "trailing bytes after the envelope"};
  return e;
}

Result<Envelope> decode_envelope(std::string_view bytes) {
  auto v = decode_envelope_view(bytes);
  if (!v) return v.error();
  return Envelope{std::string(v->stream), v->stream_version, std::string(v->type),
                  v->at,                  std::string(v->data), std::string(v->prev_hash)};
}

std::string event_ref(Seq seq, std::string_view stream, std::uint64_t version) {
  return "seq " + std::to_string(seq) + " (" + std::string(stream) + " v" + std::to_string(version) + ")";
}

void write_fields(JsonWriter& w, Seq seq, const Envelope& e) {
  w.field("seq", seq)
      .field("stream", e.stream)
      .field("version", e.stream_version)
      .field("type", e.type)
      .field("at", format_rfc3339(e.at))
      .key("data")
      .raw(e.data.empty() ? std::string_view("{}") : std::string_view(e.data));
}

std::string to_json(Seq seq, const Envelope& e) {
  JsonWriter w;
  w.begin_object();
  write_fields(w, seq, e);
  w.end_object();
  return std::move(w).str();
}

}  // namespace bitacora::events
