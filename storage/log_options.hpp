// Options of the event log ([storage] in the TOML file). Defaults are the values below.
#pragma once

#include <cstddef>
#include <string>

namespace bitacora::storage {

struct LogOptions {
  std::string dir = "./data";                     // RocksDB directory; created if missing
  std::size_t quarantine_max_events = 10000;      // rejected webhooks kept; oldest dropped past this
  std::size_t quarantine_max_body_bytes = 16384;  // a quarantined body is truncated to this
  std::size_t max_batch_requests = 4096;          // most appends committed in one fsync'd batch
  bool sync = true;                               // fsync before acknowledging; only benches turn it off
  int max_open_files = -1;                        // table files RocksDB keeps open; -1: all of them
                                                  // (`serve` bounds it to fit the open-files limit)
};

}  // namespace bitacora::storage
