// Snapshot rows and aggregate states (snapshots/snapshot.hpp, state_codec.hpp), as read back when
// an actor wakes. A snapshot row carries a SHA-256 of its state, which a fuzzer cannot forge, so
// each input is used twice: as a row as it is (its format, length and digest checks), and as a
// (version, state) pair made into a row with encode_snapshot, which must decode to exactly that.
// The input and the row's state are decoded as product, cart and order states; a state that
// decodes must re-encode to text that decodes to a state encoding to the same text (the header:
// "decode(state_json(x)) gives back x exactly", equal states encode to equal text).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/check.hpp"
#include "snapshots/snapshot.hpp"
#include "snapshots/state_codec.hpp"

using namespace bitacora;
using namespace bitacora::snapshots;

namespace {

template <class Decode>
void round_trip(std::string_view json, Decode decode) {
  const auto state = decode(json);
  if (!state) return;
  const std::string text = state_json(*state);
  const auto again = decode(text);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(state_json(*again) == text);
}

void states(std::string_view json) {
  round_trip(json, decode_product_state);
  round_trip(json, decode_cart_state);
  round_trip(json, decode_order_state);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (const auto row = decode_snapshot(bytes)) {
    FUZZ_CHECK(encode_snapshot(*row) == bytes);  // fixed-width header: nothing else could have decoded
    states(row->state);
  }
  states(bytes);

  FuzzedDataProvider in(data, size);
  Snapshot made;
  made.version = in.ConsumeIntegral<std::uint64_t>();
  made.state = in.ConsumeRemainingBytesAsString();
  const std::string row = encode_snapshot(made);
  const auto decoded = decode_snapshot(row);
  FUZZ_CHECK(decoded.ok() && decoded->version == made.version && decoded->state == made.state);
  // One flipped bit in the format, the digest or the state must be refused (the version is
  // outside the digest: a flipped version bit is a different, valid row).
  std::string flipped = row;
  const std::size_t at = made.version % (flipped.size() - 8);
  flipped[at == 0 ? 0 : at + 8] ^= 0x01;
  FUZZ_CHECK(!decode_snapshot(flipped).ok());
  return 0;
}
