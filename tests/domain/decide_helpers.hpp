// Test helpers shared by the aggregate tests: decide a command as an actor would, and apply what
// it decided, or expect a refusal. decide/apply are found by argument-dependent lookup.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "domain/errors.hpp"

namespace bitacora::domain::testing {

// Decides and applies; fails the test on a refusal. Returns the events decided.
template <class State, class Command>
auto accept(State& s, const Command& c) {
  auto d = decide(s, c);
  const auto* refused = refusal_of(d);
  INFO((refused ? refused->message : std::string()));
  REQUIRE(refused == nullptr);
  auto evs = *events_of(d);
  for (const auto& e : evs) s = apply(std::move(s), e);
  return evs;
}

// Decides; fails the test unless it is a refusal, which is returned.
template <class State, class Command>
DomainError refuse(const State& s, const Command& c) {
  auto d = decide(s, c);
  REQUIRE(refusal_of(d) != nullptr);
  return *refusal_of(d);
}

}  // namespace bitacora::domain::testing
