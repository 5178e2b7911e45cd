// Writing a stopped server's RocksDB directly, for the tamper and snapshot-corruption tests and
// for seeding large logs: the only place tests go around the server.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace bitacora::testing {

// Rewrites one stored row (Family::events key = seq; Family::snapshots key = stream) with
// `change` applied to its bytes; REQUIREs the row to exist. The server must be stopped.
void rewrite_event(const std::string& data_dir, std::uint64_t seq, const std::function<void(std::string&)>& change);
void rewrite_snapshot(const std::string& data_dir, const std::string& stream, const std::function<void(std::string&)>& change);

// Appends `carts` carts of `events_per_cart` CartItemAdded events each (sku "seed-sku", one unit
// per event) through the real log writer, in large batches without per-batch fsync, then syncs.
// Returns the last sequence. For logs of millions of events in seconds.
std::uint64_t seed_carts(const std::string& data_dir, std::uint64_t carts, std::uint64_t events_per_cart);

}  // namespace bitacora::testing
