// IdempotencyStore on a real log: answers round-trip, expire after their time to live (for find
// and for the sweep that deletes them), and a damaged row reads as absent.
#include "actors/idempotency_store.hpp"

#include <catch2/catch.hpp>

#include <future>

#include "tests/actors/log_world.hpp"

using namespace bitacora;
using bitacora::testing::LogWorld;

namespace {

constexpr Micros kTtl = 60'000'000;

void save(actors::IdempotencyStore& store, const std::string& row, actors::StoredAnswer a) {
  std::promise<bool> saved;
  store.save(row, std::move(a), [&](Status s) { saved.set_value(s.ok()); });
  REQUIRE(saved.get_future().get());
}

actors::StoredAnswer answer(Micros at, std::string body) {
  return actors::StoredAnswer{"fp-1", at, 201, {{"Content-Type", "application/json"}, {"ETag", "\"3\""}}, std::move(body)};
}

}  // namespace

TEST_CASE("an answer is encoded and decoded whole, and damaged bytes decode to nothing", "[idempotency]") {
  auto a = answer(1'700'000'000'000'000, R"({"reference":"ORD-1"})");
  auto bytes = actors::encode_answer(a);
  auto back = actors::decode_answer(bytes);
  REQUIRE(back);
  CHECK(back->fingerprint == a.fingerprint);
  CHECK(back->at == a.at);
  CHECK(back->status == 201);
  CHECK(back->headers == a.headers);
  CHECK(back->body == a.body);
  CHECK_FALSE(actors::decode_answer(bytes.substr(0, bytes.size() - 1)));
  CHECK_FALSE(actors::decode_answer(bytes + "x"));
  CHECK_FALSE(actors::decode_answer(""));
  CHECK_FALSE(actors::decode_answer(std::string(1, '\x02') + bytes.substr(1)));
}

TEST_CASE("rows are per caller and key, kept for their time to live, then swept", "[idempotency]") {
  LogWorld world;
  world.open();
  FixedClock clock(1'000'000'000);
  actors::IdempotencyStore store(*world.log, *world.writer, clock, kTtl);

  const auto ana = actors::IdempotencyStore::row_key("user:ana", "k-1");
  const auto bea = actors::IdempotencyStore::row_key("user:bea", "k-1");
  CHECK(ana != bea);
  CHECK(ana.size() == 32);
  CHECK(actors::IdempotencyStore::row_key("user:a\nb", "c") != actors::IdempotencyStore::row_key("user:a", "b\nc"));

  save(store, ana, answer(clock.now_us(), "first"));
  CHECK(store.find(bea).value() == std::nullopt);
  auto found = store.find(ana).value();
  REQUIRE(found);
  CHECK(found->body == "first");

  clock.set(clock.now_us() + kTtl - 1);
  save(store, bea, answer(clock.now_us(), "second"));
  CHECK(store.find(ana).value().has_value());
  CHECK(store.sweep().value() == 0);

  clock.set(clock.now_us() + 1);  // ana's answer is now as old as its time to live
  CHECK_FALSE(store.find(ana).value().has_value());
  CHECK(store.sweep().value() == 1);
  CHECK(world.log->get(storage::Family::idempotency, ana).value() == std::nullopt);
  CHECK(store.find(bea).value()->body == "second");

  // A row that does not decode counts as absent and is swept.
  storage::AppendRequest damaged;
  damaged.index_puts.push_back({storage::Index::idempotency, std::string("damaged-row"), "garbage"});
  world.append(std::move(damaged));
  CHECK_FALSE(store.find("damaged-row").value().has_value());
  CHECK(store.sweep().value() == 1);
}

TEST_CASE("answers outlive a restart of the log", "[idempotency]") {
  LogWorld world;
  world.open();
  FixedClock clock(5'000'000);
  const auto row = actors::IdempotencyStore::row_key("operator:alice", "restock");
  {
    actors::IdempotencyStore store(*world.log, *world.writer, clock, kTtl);
    save(store, row, answer(clock.now_us(), "kept"));
  }
  world.close();
  world.open();
  actors::IdempotencyStore store(*world.log, *world.writer, clock, kTtl);
  CHECK(store.find(row).value()->body == "kept");
}
