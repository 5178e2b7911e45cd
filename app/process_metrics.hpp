// The process's own series in /metrics, as Prometheus' client libraries name them (process_cpu_
// seconds_total, process_resident_memory_bytes, process_open_fds, process_max_fds,
// process_start_time_seconds), read from /proc when rendered; and bitacora_build_info.
#pragma once

#include "support/metrics.hpp"

namespace bitacora::app {

// The project's version and the commit the build was configured at ("unknown" outside git).
[[nodiscard]] const char* build_version();
[[nodiscard]] const char* build_commit();

void register_process_metrics(metrics::Registry& metrics);

}  // namespace bitacora::app
