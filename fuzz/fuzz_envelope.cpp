// The binary envelope every stored event travels in (events/envelope.hpp), as read back from the
// log. Both decoders must agree; a decoded envelope must encode to bytes that decode to the same
// envelope, and encoding is canonical (encoding that again gives the same bytes). The input's own
// bytes need not come back: a varint may be written with redundant continuation bytes, and a
// format-1 envelope is written back as format 2 (its empty hash becomes 32 zero bytes).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/envelope.hpp"
#include "fuzz/check.hpp"

using namespace bitacora;
using namespace bitacora::events;

namespace {

bool same(const Envelope& a, const EnvelopeView& b) {
  return a.stream == b.stream && a.stream_version == b.stream_version && a.type == b.type && a.at == b.at &&
         a.data == b.data && a.prev_hash == b.prev_hash;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto owned = decode_envelope(bytes);
  const auto view = decode_envelope_view(bytes);
  FUZZ_CHECK(owned.ok() == view.ok());
  if (!owned) return 0;
  FUZZ_CHECK(same(*owned, *view));
  FUZZ_CHECK(owned->prev_hash.empty() ? bytes[0] == 1 : owned->prev_hash.size() == kHashBytes);

  const std::string encoded = encode(*owned);
  FUZZ_CHECK(encoded.size() <= bytes.size() + kHashBytes);
  const auto again = decode_envelope(encoded);
  FUZZ_CHECK(again.ok());
  Envelope expected = *owned;
  expected.prev_hash.resize(kHashBytes, '\0');
  FUZZ_CHECK(same(*again, expected));
  FUZZ_CHECK(encode(*again) == encoded);
  if (bytes[0] == kEnvelopeFormat) FUZZ_CHECK(encoded.size() <= bytes.size());

  (void)to_json(1, *owned);  // what `export` prints for it
  return 0;
}
