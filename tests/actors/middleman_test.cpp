// Location transparency: two actor systems in one process, connected by CAF's middleman over
// loopback. The product actors live in one ("home"); the other's Commerce reaches them only
// through the home's published router, so every Get, Command, Hold, Held, Commit and Release of a
// product crosses the binary serializer and a TCP connection. A checkout there must reserve,
// append and show the stock exactly as it does locally.
#include <catch2/catch.hpp>

#include <caf/io/all.hpp>

#include <future>

#include "actors/commerce.hpp"
#include "tests/actors/log_world.hpp"

using namespace bitacora;

namespace {

struct Node {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  Node() {
    actors::add_aggregate_messages(cfg);
    cfg.load<caf::io::middleman>();
    cfg.set("scheduler.max-threads", 2);
    system = std::make_unique<caf::actor_system>(cfg);
  }
};

template <class T>
T wait(std::future<actors::Outcome<T>> f) {
  REQUIRE(f.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  auto out = f.get();
  if (auto* e = std::get_if<Error>(&out)) FAIL(e->message);
  if (auto* r = std::get_if<domain::DomainError>(&out)) FAIL(r->message);
  return std::get<T>(std::move(out));
}

template <class T>
std::pair<std::function<void(actors::Outcome<T>)>, std::future<actors::Outcome<T>>> promise_of() {
  auto p = std::make_shared<std::promise<actors::Outcome<T>>>();
  auto f = p->get_future();
  return {[p](actors::Outcome<T> out) { p->set_value(std::move(out)); }, std::move(f)};
}

}  // namespace

TEST_CASE("a checkout whose product actor lives in another actor system, over the middleman", "[actors][middleman]") {
  testing::LogWorld w;
  w.open();
  Node home;
  Node shop;
  {
    actors::Registry<actors::ProductTraits> products(*home.system, *w.deps, {});
    auto router = products.serve();
    auto port = home.system->middleman().publish(router, 0, "127.0.0.1");
    REQUIRE(port);
    auto remote = shop.system->middleman().remote_actor("127.0.0.1", *port);
    REQUIRE(remote);

    actors::CommerceOptions options;
    options.products_home = *remote;
    {
      actors::Scheduler scheduler(*shop.system, *w.deps);  // not started: the expiry timer only waits
      actors::Commerce commerce(*shop.system, *w.deps, scheduler, options);
      const Sku mug("mug");
      const UserId ana("ana");

      auto [defined, defined_f] = promise_of<actors::ProductView>();
      commerce.put_product(mug, domain::DefineProduct{"Mug", 1500, "COP", 5}, defined);
      CHECK(wait(std::move(defined_f)).on_hand == 5);

      auto [carted, carted_f] = promise_of<actors::CartView>();
      commerce.add_to_cart(ana, mug, 2, carted);
      const auto cart = wait(std::move(carted_f));
      CHECK(cart.cart.quantity_of(mug) == 2);
      CHECK(cart.products.at(mug).available() == 5);  // read from the home node

      auto [checked_out, checkout_f] = promise_of<actors::CheckoutResult>();
      commerce.checkout(ana, {"wompi", std::string("key-1"), std::nullopt}, checked_out);
      const auto placed = wait(std::move(checkout_f));
      CHECK(placed.order.amount_in_cents == 3000);
      CHECK(placed.order.status == domain::OrderStatus::pending_payment);

      // The reservation was appended in the checkout's batch and the home's actor applied it.
      auto stored = w.log->read_stream("product/mug", 1, SIZE_MAX);
      REQUIRE(stored.ok());
      REQUIRE(stored->size() == 3);
      CHECK((*stored)[2].envelope.type == "StockReserved");
      // The commit travels to the home node after the answer: read there until it arrived.
      auto read_home = [&] {
        std::promise<actors::Got<actors::ProductTraits>> got;
        products.get("mug", [&](actors::Got<actors::ProductTraits>&& g, const caf::actor&) { got.set_value(std::move(g)); });
        return got.get_future().get();
      };
      auto view = read_home();
      for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
           view.version < 3 && std::chrono::steady_clock::now() < deadline;)
        view = read_home();
      CHECK(view.version == 3);
      CHECK(view.view.reserved == 2);
      CHECK(view.view.available() == 3);

      // And a second shopper sees it from the shop's side: only 3 are left.
      auto [short_cart, short_f] = promise_of<actors::CartView>();
      commerce.add_to_cart(UserId("bea"), mug, 4, short_cart);
      REQUIRE(short_f.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
      auto refused = short_f.get();
      REQUIRE(std::holds_alternative<domain::DomainError>(refused));
      CHECK(std::get<domain::DomainError>(refused).code == domain::DomainErrc::insufficient_stock);

      CHECK(products.size() == 1);  // the product actor lives at home …
      CHECK(commerce.actors_alive() == 3);  // … the shop has the carts (ana's, bea's) and the order
    }
    products.stop_all();
  }
  w.close();
}
