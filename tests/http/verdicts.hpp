// Test helpers: unwrap a gateway Verdict, failing the test when it is the other alternative.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <variant>

#include "http/gateways/inbound.hpp"

namespace bitacora::http::gateways::testing {

// Returns a copy: callers often pass a temporary Verdict.
inline Accepted accepted(const Verdict& v) {
  const auto* rejected = std::get_if<Rejected>(&v);
  INFO("rejected: " << (rejected ? rejected->message : std::string("no")));
  REQUIRE(std::holds_alternative<Accepted>(v));
  return std::get<Accepted>(v);
}

inline RejectionKind rejection(const Verdict& v) {
  REQUIRE(std::holds_alternative<Rejected>(v));
  return std::get<Rejected>(v).kind;
}

constexpr auto invalid_signature = RejectionKind::invalid_signature;
constexpr auto malformed_payload = RejectionKind::malformed_payload;

}  // namespace bitacora::http::gateways::testing
