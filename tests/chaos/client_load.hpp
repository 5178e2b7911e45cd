// One chaos client thread: mixed load on the real server over one keep-alive connection, until
// told to stop or the server stops answering (it was killed). Each thread shops as its own few
// shoppers, and pays, cancels and notifies about any order the run has placed. What it is told
// goes to the Ledger; an answer the API does not document goes to Findings.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/chaos/findings.hpp"
#include "tests/chaos/ledger.hpp"
#include "tests/harness/fake_mercadopago.hpp"

namespace bitacora::chaos {

struct LoadStats {
  std::atomic<int> requests{0};
  std::atomic<int> unanswered{0};      // no answer: the server died mid-request
  std::atomic<int> unavailable{0};     // 503: documented, but worth seeing
  std::atomic<int> acknowledged{0};    // webhooks answered 200
  std::atomic<int> orders{0};          // checkouts answered 201
  std::atomic<int> late_approvals{0};  // approvals sent for an order past its expires_at
};

// What every client thread of one cycle shares.
struct LoadPlan {
  std::uint16_t port = 0;
  int cycle = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> skus;
  testing::FakeMercadoPago* mercadopago = nullptr;
  Ledger* ledger = nullptr;
  Findings* findings = nullptr;
  LoadStats* stats = nullptr;
  const std::atomic<bool>* stop = nullptr;
};

// Runs one client thread's load; `resend` are notifications left unanswered by the last kill,
// sent first, as a gateway retries what it was not told was received.
void run_client(const LoadPlan& plan, int thread, std::vector<Notification> resend);

}  // namespace bitacora::chaos
