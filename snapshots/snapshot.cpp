#include "snapshots/snapshot.hpp"

#include <cstring>

#include "support/crypto.hpp"

namespace bitacora::snapshots {
namespace {
constexpr std::size_t kHeader = 1 + 8 + 32;
}  // namespace

std::string encode_snapshot(const Snapshot& s) {
  std::string out;
  out.reserve(kHeader + s.state.size());
  out.push_back(static_cast<char>(kSnapshotFormat));
  char v[8];
  std::memcpy(v, &s.version, sizeof v);
  out.append(v, sizeof v);
  out.append(crypto::sha256_bytes(s.state));
  out.append(s.state);
  return out;
}

Result<Snapshot> decode_snapshot(std::string_view bytes) {
  if (bytes.size() < kHeader) return Error{Errc::data_loss, "snapshot row is truncated"};
  if (static_cast<std::uint8_t>(bytes[0]) != kSnapshotFormat)
    return Error{Errc::data_loss, "unknown snapshot format " + std::to_string(static_cast<unsigned char>(bytes[0]))};
  Snapshot s;
  std::memcpy(&s.version, bytes.data() + 1, sizeof s.version);
  auto state = bytes.substr(kHeader);
  if (crypto::sha256_bytes(state) != bytes.substr(9, 32))
    return Error{Errc::data_loss, "snapshot state does not match its digest"};
  s.state.assign(state);
  return s;
}

}  // namespace bitacora::snapshots
