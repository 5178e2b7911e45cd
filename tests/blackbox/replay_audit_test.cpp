// Black-box: `bitacora replay` and `bitacora audit` on the real binary's data directory, beside
// the live server (API.md §6), and audit's verdict on a tampered log and on one no correct server writes.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>

#include "domain/order.hpp"
#include "domain/product.hpp"
#include "tests/harness/cli.hpp"
#include "tests/harness/json.hpp"
#include "tests/harness/raw_log.hpp"
#include "tests/harness/seed_log.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"
#include "tests/harness/webhooks.hpp"

using namespace bitacora::testing;

namespace {

std::int64_t last_seq(HttpClient& c) { return Json(c.get("/health").body).num("/storage/last_seq"); }

// The state on the last line of a replay.
Json final_state(const CliRun& run) {
  REQUIRE_FALSE(run.lines.empty());
  Json last(run.lines.back());
  return Json(std::string(simdjson::to_string(last.at("/state"))));
}

bool contains(const CliRun& run, const std::string& text) { return run.text().find(text) != std::string::npos; }

// Events for append_undecided: on sku-1's product stream, and on an order's stream.
bitacora::storage::NewEvent product(const bitacora::domain::ProductEvent& e) {
  return {"product/sku-1", std::string(bitacora::domain::type_of(e)), bitacora::domain::to_json(e)};
}
bitacora::storage::NewEvent order(const std::string& ref, const bitacora::domain::OrderEvent& e) {
  return {"order/" + ref, std::string(bitacora::domain::type_of(e)), bitacora::domain::to_json(e)};
}

}  // namespace

TEST_CASE("replay --to-seq shows a cart's quantities and a product's reservations as they were at that event",
          "[blackbox][replay]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data")));
  server.start();
  HttpClient c(server.port());
  define_product(c, "sku-1", 10);
  fill_cart(c, "ana", {{"sku-1", 2}});
  const auto before_change = last_seq(c);
  // Times are shown to the millisecond: the second change must fall in a later one for --until
  // (below) to tell the two apart. A server this fast can make both within one.
  for (const auto ms = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
       std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()) == ms;) {
  }
  fill_cart(c, "ana", {{"sku-1", 5}});
  auto order = place_order(c, "ana", {{"sku-1", 5}});
  const std::string data = " --data-dir " + dir.str("data");

  auto then = run_cli("replay --stream cart/ana --to-seq " + std::to_string(before_change) + data);
  REQUIRE(then.exit_code == 0);
  REQUIRE(then.lines.size() == 1);
  CHECK(final_state(then).num("/lines/sku-1") == 2);
  auto now = run_cli("replay --stream cart/ana" + data);
  REQUIRE(now.exit_code == 0);
  CHECK(now.lines.size() == 2);
  CHECK(final_state(now).num("/lines/sku-1") == 5);
  for (const auto& line : now.lines) {
    Json j(line);
    CHECK(j.str("/stream") == "cart/ana");
    CHECK(j.has("/seq"));
    CHECK(j.has("/type"));
    CHECK(j.has("/at"));
    CHECK(j.has("/data"));
  }

  auto product_then = run_cli("replay --stream product/sku-1 --to-seq " + std::to_string(before_change) + data);
  REQUIRE(product_then.exit_code == 0);
  CHECK(final_state(product_then).num("/reserved") == 0);
  auto product_now = run_cli("replay --stream product/sku-1" + data);
  REQUIRE(product_now.exit_code == 0);
  CHECK(final_state(product_now).num("/reserved") == 5);
  CHECK(final_state(product_now).num("/reservations/" + order.reference) == 5);

  // --until: the time of the cart's first event keeps exactly that event.
  auto first_at = Json(now.lines.front()).str("/at");
  auto until = run_cli("replay --stream cart/ana --until " + first_at + data);
  REQUIRE(until.exit_code == 0);
  CHECK(until.lines.size() == 1);

  // Every stream at once, in sequence order.
  auto all = run_cli("replay" + data);
  REQUIRE(all.exit_code == 0);
  CHECK(static_cast<std::int64_t>(all.lines.size()) == last_seq(c));

  // --last: only the last event up to there, with the state then: the line the full replay ends on.
  auto last_then = run_cli("replay --stream cart/ana --last --to-seq " + std::to_string(before_change) + data);
  REQUIRE(last_then.exit_code == 0);
  REQUIRE(last_then.lines.size() == 1);
  CHECK(last_then.lines[0] == then.lines.back());
  auto product_last = run_cli("replay --stream product/sku-1 --last" + data);
  REQUIRE(product_last.exit_code == 0);
  REQUIRE(product_last.lines.size() == 1);
  CHECK(product_last.lines[0] == product_now.lines.back());
  // Every stream's last line, in sequence order: what the full replay last printed for it.
  std::map<std::string, std::string> last_of;
  for (const auto& line : all.lines) last_of[Json(line).str("/stream")] = line;
  auto every_last = run_cli("replay --last" + data);
  REQUIRE(every_last.exit_code == 0);
  REQUIRE(every_last.lines.size() == last_of.size());
  std::int64_t previous = 0;
  for (const auto& line : every_last.lines) {
    Json j(line);
    CHECK(j.num("/seq") > previous);
    previous = j.num("/seq");
    CHECK(line == last_of[j.str("/stream")]);
  }

  CHECK(run_cli("replay --stream cart/nobody" + data).exit_code == 2);
  CHECK(run_cli("replay --stream cart/ana --until yesterday" + data).exit_code == 2);
  CHECK(run_cli("replay --data-dir " + dir.str("nowhere")).exit_code == 2);
  CHECK(run_cli("replay --help").exit_code == 0);
}

TEST_CASE("after carts, checkouts, expiries, cancellations and payments, audit of the live server's data exits 0",
          "[blackbox][audit]") {
  TempDir dir;
  ServerProcess server(dir.str(), test_config(dir.str("data"), "[reservations]\nttl_seconds = 1\n[snapshots]\nevery_events = 3\n"));
  server.start();
  HttpClient c(server.port());
  define_product(c, "mug", 50, 2500);
  define_product(c, "cup", 50, 1000);
  std::vector<PlacedOrder> to_pay, to_cancel, to_expire;
  for (int i = 0; i < 4; ++i) to_pay.push_back(place_order(c, "payer-" + std::to_string(i), {{"mug", 2}, {"cup", 1}}));
  for (int i = 0; i < 2; ++i) to_cancel.push_back(place_order(c, "canceller-" + std::to_string(i), {{"mug", 1}}));
  for (int i = 0; i < 2; ++i) to_expire.push_back(place_order(c, "sleeper-" + std::to_string(i), {{"cup", 3}}));
  fill_cart(c, "browser", {{"mug", 1}, {"cup", 2}});
  for (const auto& o : to_cancel) REQUIRE(c.post("/api/orders/" + o.reference + "/cancel", "", as_admin()).status == 200);
  const auto now = unix_now();
  int tx = 0;
  for (const auto& o : to_pay) {
    auto w = wompi_webhook("tx-" + std::to_string(++tx), "APPROVED", o.amount, o.reference, now);
    REQUIRE(c.post(w.target, w.body, w.headers).status == 200);
    REQUIRE(c.post(w.target, w.body, w.headers).status == 200);  // a duplicate changes nothing
  }
  auto decline = wompi_webhook("tx-declined", "DECLINED", to_expire[0].amount, to_expire[0].reference, now);
  REQUIRE(c.post(decline.target, decline.body, decline.headers).status == 200);
  for (const auto& o : to_pay) REQUIRE(eventually([&] { return order_status(c, o.reference) == "paid"; }));
  REQUIRE(eventually([&] { return order_status(c, to_expire[0].reference) == "payment_failed"; }));
  REQUIRE(eventually([&] { return order_status(c, to_expire[1].reference) == "expired"; }));
  // One order left waiting, so the audit sees a live reservation and its timer too.
  auto waiting = place_order(c, "late", {{"mug", 1}});
  CHECK(order_status(c, waiting.reference) == "pending_payment");

  auto run = run_cli("audit --data-dir " + dir.str("data"));
  INFO(run.text());
  CHECK(run.exit_code == 0);
  CHECK(contains(run, "violations: 0"));
  CHECK(contains(run, "paid 4"));
  CHECK(contains(run, "expired 1"));
  CHECK(contains(run, "cancelled 2"));
  CHECK(contains(run, "hash chain: checked from seq 1"));
  CHECK_FALSE(contains(run, "snapshots checked: 0"));
  CHECK(server.running());
}

TEST_CASE("one flipped byte inside a stored event makes audit exit 1 and name that sequence", "[blackbox][audit]") {
  TempDir dir;
  const std::string data = dir.str("data");
  std::int64_t last = 0;
  {
    ServerProcess server(dir.str(), test_config(data));
    server.start();
    HttpClient c(server.port());
    define_product(c, "sku-1", 10);
    fill_cart(c, "ana", {{"sku-1", 1}});
    fill_cart(c, "bob", {{"sku-1", 3}});
    fill_cart(c, "ana", {{"sku-1", 4}});
    last = last_seq(c);
    REQUIRE(server.terminate() == 0);
  }
  REQUIRE(last >= 5);
  REQUIRE(run_cli("audit --data-dir " + data).exit_code == 0);

  // bob's cart event: one digit of its quantity changes, so the JSON still decodes and folds.
  const std::uint64_t victim = 4;
  rewrite_event(data, victim, [](std::string& bytes) {
    auto at = bytes.find("\"sku-1\":3");
    REQUIRE(at != std::string::npos);
    bytes[at + 8] = '9';
  });
  auto run = run_cli("audit --data-dir " + data);
  INFO(run.text());
  CHECK(run.exit_code == 1);
  CHECK(contains(run, "violation: seq 4:"));

  // The newest event is covered too: by the chain head kept beside it.
  rewrite_event(data, static_cast<std::uint64_t>(last), [](std::string& bytes) { bytes[bytes.size() - 40] ^= 0x01; });
  run = run_cli("audit --data-dir " + data);
  INFO(run.text());
  CHECK(run.exit_code == 1);
  CHECK(contains(run, "violation: seq " + std::to_string(last) + ":"));
  CHECK(run_cli("audit --data-dir " + dir.str("nowhere")).exit_code == 2);
}

TEST_CASE("audit names the event that over-reserves a product and the one that releases what its order did not hold",
          "[blackbox][audit]") {
  TempDir dir;
  const std::string data = dir.str("data");
  using namespace bitacora::events;
  const bitacora::OrderRef a("ORD-A"), b("ORD-B");
  append_undecided(data, {
                             product(ProductDefined{bitacora::Sku("sku-1"), "Mug", 1500, "COP"}),  // seq 1
                             product(StockAdjusted{2, "set", 2}),                                  // seq 2
                             product(StockReserved{a, 2}),                                         // seq 3
                             product(StockReserved{b, 1}),                                         // seq 4: 3 reserved of 2
                             product(ReservationReleased{a, 1, ReleaseReason::expired}),           // seq 5: A held 2
                         });
  auto run = run_cli("audit --data-dir " + data);
  INFO(run.text());
  CHECK(run.exit_code == 1);
  CHECK(contains(run, "violation: seq 4 (product/sku-1 v4): stock invariant broken (on_hand 2, reserved 3)"));
  CHECK(contains(run, "violation: seq 5 (product/sku-1 v5): releases 1 units of order ORD-A, which holds 2"));
  CHECK_FALSE(contains(run, "violation: seq 3 "));
}

TEST_CASE("audit names an order approved twice, a paid order whose stock was never confirmed, and a confirmation for an order never placed",
          "[blackbox][audit]") {
  TempDir dir;
  const std::string data = dir.str("data");
  using namespace bitacora::events;
  auto placed = [](const std::string& ref) {
    return OrderPlaced{bitacora::OrderRef(ref), bitacora::UserId("u-1"), {OrderLine{bitacora::Sku("sku-1"), 1, 1500}}, 1500,
                       "COP", "wompi", 0, ""};
  };
  auto approved = [](const std::string& tx) { return PaymentApproved{"wompi", tx, "APPROVED", 1500, "COP"}; };
  const bitacora::OrderRef a("ORD-A"), b("ORD-B"), ghost("ORD-GHOST");
  append_undecided(data, {
                             product(ProductDefined{bitacora::Sku("sku-1"), "Mug", 1500, "COP"}),  // seq 1
                             product(StockAdjusted{5, "set", 5}),                                  // seq 2
                             order("ORD-A", placed("ORD-A")),                                      // seq 3
                             product(StockReserved{a, 1}),                                         // seq 4
                             order("ORD-A", approved("tx-1")),                                     // seq 5
                             product(ReservationConfirmed{a, 1}),                                  // seq 6
                             order("ORD-A", approved("tx-2")),                                     // seq 7: a second approval
                             order("ORD-B", placed("ORD-B")),                                      // seq 8
                             product(StockReserved{b, 1}),                                         // seq 9
                             order("ORD-B", approved("tx-3")),                                     // seq 10: never confirmed
                             product(StockReserved{ghost, 1}),                                     // seq 11
                             product(ReservationConfirmed{ghost, 1}),                              // seq 12: no such order
                         });
  auto run = run_cli("audit --data-dir " + data);
  INFO(run.text());
  CHECK(run.exit_code == 1);
  CHECK(contains(run, "violation: seq 7 (order/ORD-A v3): payment approved 2 times"));
  CHECK(contains(run, "violation: seq 10 (order/ORD-B v2): paid, but its stock of sku-1 was confirmed 0 times"));
  CHECK(contains(run, "violation: seq 12 (product/sku-1 v7): confirms the stock of order ORD-GHOST, which has no stream"));
  CHECK(contains(run, "holds 1 units for ORD-B, which is paid"));
  CHECK_FALSE(contains(run, "ORD-A, which"));
  CHECK_FALSE(contains(run, "(order/ORD-A v3): paid, but"));
}
