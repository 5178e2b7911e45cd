// Writing a stopped server's RocksDB directly, for the tamper and snapshot-corruption tests: with
// seed_log.hpp, the only place tests go around the server.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace bitacora::testing {

// Rewrites one stored row (Family::events key = seq; Family::snapshots key = stream) with
// `change` applied to its bytes; REQUIREs the row to exist. The server must be stopped.
void rewrite_event(const std::string& data_dir, std::uint64_t seq, const std::function<void(std::string&)>& change);
void rewrite_snapshot(const std::string& data_dir, const std::string& stream, const std::function<void(std::string&)>& change);

}  // namespace bitacora::testing
