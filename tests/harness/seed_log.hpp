// Seeding large logs for tests and benchmarks, straight through the real log writer (no server).
// No Catch assertions: benchmarks use it outside any test case.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/append.hpp"

namespace bitacora::testing {

// Appends `carts` carts of `events_per_cart` CartItemAdded events each (sku "seed-sku", one unit
// per event) through the real log writer, in large batches without per-batch fsync, then syncs.
// Throws std::runtime_error on failure (benchmarks seed logs too, outside any test case).
// Returns the last sequence. For logs of millions of events in seconds.
std::uint64_t seed_carts(const std::string& data_dir, std::uint64_t carts, std::uint64_t events_per_cart);

// Appends `events` as they are, one request each, through the real log writer (versions and hash
// chain as the server writes them), with no actor deciding them: for audit's tests of a log no
// correct server would write. Throws std::runtime_error on failure. Returns the last sequence.
std::uint64_t append_undecided(const std::string& data_dir, const std::vector<storage::NewEvent>& events);

}  // namespace bitacora::testing
