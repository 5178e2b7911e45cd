// What the fuzz targets share: FUZZ_CHECK, an invariant that must hold for every input. A broken one
// prints what failed and traps, so libFuzzer records the input as a crash (as it does for a
// sanitizer report). Only for facts the code promises — a round trip its header states, a correctly
// signed request that must verify — never for what an input merely happens to do.
#pragma once

#include <cstdio>

#define FUZZ_CHECK(cond)                                                                    \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);    \
      __builtin_trap();                                                                     \
    }                                                                                       \
  } while (0)
