// `bitacora audit` (API.md §6, DESIGN.md "The one rule"): rebuilds every aggregate from the log
// alone and checks what must hold —
//   - the log: dense sequences, every envelope decodes, each stream's versions go 1, 2, 3 …, and
//     the hash chain (each envelope holds the SHA-256 of the one before; `meta` the newest's);
//   - stock: on-hand and reserved never negative, reserved ≤ on-hand, after every event;
//   - reservations: each belongs to an order still waiting for payment (pending_payment, or
//     needs_attention, whose stock a person must resolve), for exactly the order's quantity;
//   - payments: a paid (or later refunded) order confirmed each line's stock exactly once, any
//     other order none, no order was approved twice, and no product confirmed stock for an order
//     whose stream does not exist (yet);
//   - time: every order waiting for payment has its expiry timer, every pending webhook its
//     processing timer (a webhook without one would never leave `pending`);
//   - snapshots: each decodes and equals the state rebuilt at its version.
// It prints a summary and one line per violation, naming its sequence (or stream), and shows
// progress on a terminal. Read-only: it runs beside a live server, on what was durable when it
// opened (one consistent point in time).
#pragma once

#include <iosfwd>
#include <string>

namespace bitacora::app {

struct AuditFlags {
  std::string data_dir;
};

// Returns the exit code: 0 clean; 1 any violation, or the log could not be read; 2 no bitacora
// database in data_dir.
[[nodiscard]] int audit(const AuditFlags& flags, std::ostream& out);

}  // namespace bitacora::app
