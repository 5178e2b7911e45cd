// Aggregate actors through their registry, on a real actor system and a real RocksDB in a
// temporary directory.
#include <catch2/catch.hpp>

#include <future>

#include "actors/registry.hpp"
#include "actors/traits.hpp"
#include "tests/actors/log_world.hpp"

using namespace bitacora;

namespace {

struct World : testing::LogWorld {
  World() { open(); }
  void append(storage::NewEvent ev) {
    storage::AppendRequest r;
    r.events.push_back(std::move(ev));
    LogWorld::append(std::move(r));
  }
};

template <class K>
struct Read {
  typename K::View view;
  std::uint64_t version = 0;
  std::optional<Error> error;
};

template <class K>
Read<K> read(actors::Registry<K>& reg, const std::string& key) {
  std::promise<Read<K>> p;
  reg.get(key, [&](actors::Got<K>&& g, const caf::actor&) { p.set_value({std::move(g.view), g.version, std::move(g.error)}); });
  return p.get_future().get();
}

template <class K>
std::future<actors::Decided<K>> command(actors::Registry<K>& reg, const std::string& key, typename K::Command cmd,
                                        std::optional<std::uint64_t> if_match = std::nullopt) {
  auto p = std::make_shared<std::promise<actors::Decided<K>>>();
  reg.command(key, std::move(cmd), [p](actors::Decided<K>&& d, const caf::actor&) { p->set_value(std::move(d)); }, if_match);
  return p->get_future();
}

struct Taken {
  actors::Held<actors::ProductTraits> held;
  caf::actor holder;
};

std::future<Taken> hold(actors::Registry<actors::ProductTraits>& reg, const std::string& key, actors::HoldId id,
                        actors::HoldMode mode, Micros lease_us) {
  auto p = std::make_shared<std::promise<Taken>>();
  reg.hold(key, actors::Hold<actors::ProductTraits>{{}, 0, id, mode, OrderRef("ORD-1"), lease_us},
           [p](actors::Held<actors::ProductTraits>&& h, const caf::actor& from) { p->set_value({std::move(h), from}); });
  return p->get_future();
}

// Whether `f` has its value. A read sent after the request it follows is answered after that
// request was taken or queued (one mailbox, in order), so asking after a read never races.
template <class T>
bool ready(const std::future<T>& f) {
  return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

actors::ProductView product_of(actors::Decided<actors::ProductTraits> d) {
  if (auto* e = std::get_if<Error>(&d.outcome)) FAIL(e->message);
  if (auto* r = std::get_if<domain::DomainError>(&d.outcome)) FAIL(r->message);
  return std::get<actors::ProductView>(d.outcome);
}

}  // namespace

TEST_CASE("commands sent at once to one cart all apply, one at a time, in the order sent", "[actors][aggregate]") {
  World w;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  actors::Registry<actors::CartTraits> carts(system, *w.deps, {});
  constexpr int kCommands = 50;
  std::vector<std::future<actors::Decided<actors::CartTraits>>> replies;
  for (int i = 0; i < kCommands; ++i) {
    // Each one's reply names the version after it: the actor queued the rest while appending.
    domain::AddCartItem add{Sku("SKU-" + std::to_string(i % 3)), 1, {true, 1'000}};
    replies.push_back(command(carts, "ana", add));
  }
  for (int i = 0; i < kCommands; ++i) {
    auto d = replies[static_cast<std::size_t>(i)].get();
    auto* cart = std::get_if<actors::Snap<domain::CartState>>(&d.outcome);
    REQUIRE(cart);
    CHECK(cart->value.version == static_cast<std::uint64_t>(i + 1));
  }

  const auto after = read(carts, "ana");
  CHECK_FALSE(after.error);
  CHECK(after.version == kCommands);
  CHECK(after.view.value.user.value() == "ana");
  CHECK(after.view.value.quantity_of(Sku("SKU-0")) == 17);
  CHECK(after.view.value.quantity_of(Sku("SKU-2")) == 16);
  auto stored = w.log->read_stream("cart/ana", 1, SIZE_MAX);
  REQUIRE(stored.ok());
  CHECK(stored->size() == kCommands);
  carts.stop_all();
}

TEST_CASE("a command with If-Match is decided only at that version, else refused with the current one", "[actors][aggregate]") {
  World w;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  actors::Registry<actors::ProductTraits> products(system, *w.deps, {});
  // Defined with stock: two events.
  CHECK(product_of(command(products, "mug", domain::DefineProduct{"Mug", 1500, "COP", 10}, 0).get()).version == 2);
  auto stale = command(products, "mug", domain::AdjustStock{5, "found"}, 0).get();
  auto* refused = std::get_if<domain::DomainError>(&stale.outcome);
  REQUIRE(refused);
  CHECK(refused->code == domain::DomainErrc::version_conflict);
  CHECK(refused->current_version == 2);
  CHECK(read(products, "mug").view.on_hand == 10);  // nothing appended
  auto fresh = product_of(command(products, "mug", domain::AdjustStock{5, "found"}, 2).get());
  CHECK(fresh.on_hand == 15);
  CHECK(fresh.version == 3);
  products.stop_all();
}

TEST_CASE("a stored event that names another product fails the actor's load as data loss", "[actors][aggregate]") {
  World w;
  // `product/A` holding the definition of B: the actor keeps its key in its state, so folding it
  // must not turn A's actor into B's.
  w.append({"product/A", "ProductDefined", domain::to_json(domain::ProductEvent{events::ProductDefined{Sku("B"), "Bee", 100, "COP"}})});
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  actors::Registry<actors::ProductTraits> products(system, *w.deps, {});

  const auto a = read(products, "A");
  REQUIRE(a.error);
  CHECK(a.error->code == Errc::data_loss);
  CHECK_THAT(a.error->message, Catch::Contains("product/A v1 names another stream"));
  CHECK(a.view.sku.value() == "A");

  auto out = command(products, "A", domain::DefineProduct{"Ay", 100, "COP", 5}).get();
  REQUIRE(std::holds_alternative<Error>(out.outcome));
  CHECK(std::get<Error>(out.outcome).code == Errc::data_loss);
  auto stored = w.log->read_stream("product/A", 1, SIZE_MAX);
  REQUIRE(stored.ok());
  CHECK(stored->size() == 1);  // nothing appended after the bad event
  products.stop_all();
}

TEST_CASE("a product whose stream was appended to behind its back decides again on what the log says",
          "[actors][aggregate]") {
  World w;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  actors::Registry<actors::ProductTraits> products(system, *w.deps, {});
  auto run = [&](domain::ProductCommand cmd) { return product_of(command(products, "A", std::move(cmd)).get()); };
  CHECK(run(domain::DefineProduct{"Ay", 100, "COP", 10}).on_hand == 10);  // v1, v2
  // An append this actor never hears of (a late commit of a broken hold would be one): v3.
  w.append({"product/A", "StockAdjusted", domain::to_json(domain::ProductEvent{events::StockAdjusted{5, "restock", 15}})});

  SECTION("a delta applies to the stock as it is") {
    CHECK(run(domain::AdjustStock{1, "count"}).on_hand == 16);  // v4
    const auto read_back = read(products, "A");
    CHECK(read_back.version == 4);
    CHECK(read_back.view.on_hand == 16);
  }
  SECTION("an absolute stock records the delta and the on-hand the log really has") {
    // Decided on the stale state (10 on hand) it would record +2 "after 12" and fold to 17.
    CHECK(run(domain::DefineProduct{"Ay", 100, "COP", 12}).on_hand == 12);
    auto stored = w.log->read_stream("product/A", 4, SIZE_MAX);
    REQUIRE(stored.ok());
    REQUIRE(stored->size() == 1);
    auto ev = domain::decode_product_event((*stored)[0].envelope.type, (*stored)[0].envelope.data);
    REQUIRE(ev.ok());
    const auto& adjusted = std::get<events::StockAdjusted>(*ev);
    CHECK(adjusted.delta == -3);
    CHECK(adjusted.on_hand_after == 12);
    CHECK(read(products, "A").view.on_hand == 12);
  }
  products.stop_all();
}

TEST_CASE("a command waits for an exclusive hold and runs once it is released", "[actors][aggregate][hold]") {
  World w;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  actors::Registry<actors::ProductTraits> products(system, *w.deps, {});
  product_of(command(products, "A", domain::DefineProduct{"Ay", 100, "COP", 10}).get());

  auto taken = hold(products, "A", 77, actors::HoldMode::exclusive, 60'000'000).get();
  REQUIRE_FALSE(taken.held.error);
  CHECK(taken.held.version == 2);
  CHECK(taken.held.slice.value.on_hand == 10);
  auto adjust = command(products, "A", domain::AdjustStock{1, "count"});
  CHECK(read(products, "A").view.on_hand == 10);  // reads are served while it is held
  CHECK_FALSE(ready(adjust));
  actors::Registry<actors::ProductTraits>::release(taken.holder, 77);
  CHECK(product_of(adjust.get()).on_hand == 11);
  products.stop_all();
}

TEST_CASE("shared holds are granted together, and exclusive work waits for all of them", "[actors][aggregate][hold]") {
  World w;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  actors::Registry<actors::ProductTraits> products(system, *w.deps, {});
  product_of(command(products, "A", domain::DefineProduct{"Ay", 100, "COP", 10}).get());

  auto first = hold(products, "A", 1, actors::HoldMode::shared, 60'000'000).get();
  auto second = hold(products, "A", 2, actors::HoldMode::shared, 60'000'000).get();  // not blocked by the first
  auto exclusive = hold(products, "A", 3, actors::HoldMode::exclusive, 60'000'000);
  read(products, "A");
  CHECK_FALSE(ready(exclusive));
  actors::Registry<actors::ProductTraits>::release(first.holder, 1);
  read(products, "A");
  CHECK_FALSE(ready(exclusive));
  // The second commits its batch's events: they are applied, and the exclusive holder sees them.
  actors::Registry<actors::ProductTraits>::commit(second.holder, 2, {}, 0);
  auto taken = exclusive.get();
  CHECK_FALSE(taken.held.error);
  actors::Registry<actors::ProductTraits>::release(taken.holder, 3);
  products.stop_all();
}

TEST_CASE("a hold whose lease runs out is broken, and its holder's late batch is fenced off", "[actors][aggregate][hold]") {
  World w;
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  actors::Registry<actors::ProductTraits> products(system, *w.deps, {});
  product_of(command(products, "A", domain::DefineProduct{"Ay", 100, "COP", 10}).get());

  // A coordinator that holds A and then stalls (it never commits nor releases).
  auto stalled = hold(products, "A", 9, actors::HoldMode::exclusive, 100'000).get();
  const auto held_version = stalled.held.version;
  auto adjust = command(products, "A", domain::AdjustStock{-4, "sold at the counter"});
  REQUIRE(adjust.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  CHECK(product_of(adjust.get()).on_hand == 6);
  CHECK(w.metrics.counter("bitacora_holds_broken_total", "").value() == 1);

  // What it decided on the state it held (10 on hand) is refused, not appended.
  storage::AppendRequest late;
  late.events.push_back(actors::ProductTraits::encode("A", events::StockReserved{OrderRef("ORD-9"), 10}));
  late.expected_versions.emplace_back("product/A", held_version);
  std::promise<Result<storage::AppendOutcome>> p;
  w.writer->append(std::move(late), [&](Result<storage::AppendOutcome> r) { p.set_value(std::move(r)); });
  auto r = p.get_future().get();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::conflict);
  CHECK(read(products, "A").view.on_hand == 6);
  products.stop_all();
}

// A live cart actor must stay within 2 KB (bench/README.md, "Recovery"). CAF allocates the actor
// and its context as one block, and jemalloc serves it from a size class: up to 1,280 bytes it
// costs 1,280; one byte more costs 1,536, and 100,000 carts would cost 25 MB more. This guards the
// class, not the figure (the benchmark measures that).
TEST_CASE("a cart actor with its context fits jemalloc's 1,280-byte size class", "[actors][aggregate]") {
  using Storage = caf::actor_storage<caf::stateful_actor<actors::AggregateContext<actors::CartTraits>>>;
  CHECK(sizeof(Storage) <= 1280);
}
