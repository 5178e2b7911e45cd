// Randomness drawn from the run's seed: every choice the driver makes (what to send, when to
// kill) comes from a generator derived from (seed, cycle, thread), so a seed names a run's plan.
// Thread timing is not replayable; the plan is. A generator is used by one thread only.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace bitacora::chaos {

using Rng = std::mt19937_64;

// SplitMix64 over the three numbers: generators for neighbouring cycles or threads share nothing.
[[nodiscard]] inline Rng rng_for(std::uint64_t seed, std::uint64_t cycle, std::uint64_t stream) {
  auto mix = [](std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  return Rng(mix(mix(mix(seed) ^ cycle) ^ stream));
}

[[nodiscard]] inline std::int64_t uniform(Rng& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

[[nodiscard]] inline bool chance(Rng& rng, double p) { return std::bernoulli_distribution(p)(rng); }

template <class T>
[[nodiscard]] const T& pick(Rng& rng, const std::vector<T>& from) {
  return from[static_cast<std::size_t>(uniform(rng, 0, static_cast<std::int64_t>(from.size()) - 1))];
}

}  // namespace bitacora::chaos
