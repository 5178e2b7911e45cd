// The benchmarks' load generator: pre-serialised HTTP/1.1 requests driven over N keep-alive
// connections from one client thread (Asio), each connection sending its next request as soon as
// the previous answer arrives. Prints throughput and latency percentiles.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace bitacora::bench {

struct LoadResult {
  double seconds = 0;
  std::map<int, std::size_t> statuses;  // status code → count
  std::vector<double> latencies_us;
  // With `keep`: each request's response body and the wall-clock time (µs since epoch) it arrived,
  // by request index.
  std::vector<std::string> bodies;
  std::vector<std::int64_t> answered_at_us;
  [[nodiscard]] std::size_t total() const;
};

// One request on the wire: "METHOD target HTTP/1.1\r\n…\r\n\r\nbody".
[[nodiscard]] std::string wire_request(const std::string& method, const std::string& target, const std::string& body,
                                       const std::vector<std::pair<std::string, std::string>>& headers);

[[nodiscard]] LoadResult drive(std::uint16_t port, const std::vector<std::string>& requests, int connections,
                               bool keep = false);

struct LoadSummary {
  std::size_t requests = 0;  // answered
  double seconds = 0;
  double rate = 0;  // req/s
  double p50_us = 0, p99_us = 0, p999_us = 0;
};

// Prints one line — name, counts by status, req/s, p50/p99/p999 — and returns those figures.
LoadSummary report(const char* name, LoadResult result);

}  // namespace bitacora::bench
