// What every actor may use, handed over once at start by app/.
#pragma once

#include "storage/log.hpp"
#include "storage/writer.hpp"
#include "support/metrics.hpp"
#include "support/time.hpp"

namespace bitacora::actors {

struct ActorDeps {
  const storage::EventLog& log;  // reads (rebuilding state when an actor wakes)
  storage::LogWriter& writer;    // the only way to append
  const Clock& clock;
  metrics::Registry& metrics;
};

}  // namespace bitacora::actors
