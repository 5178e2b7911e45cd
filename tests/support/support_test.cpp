#include <catch2/catch.hpp>

#include "support/json_writer.hpp"
#include "support/metrics.hpp"
#include "support/time.hpp"

#include <limits>

using namespace bitacora;

TEST_CASE("times format as RFC 3339 UTC with milliseconds and parse back", "[support][time]") {
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_rfc3339(1'795'343'400'123'000) == "2026-11-22T10:30:00.123Z");
  CHECK(parse_rfc3339("2026-11-22T10:30:00.123Z") == 1'795'343'400'123'000);
  CHECK(parse_rfc3339("2026-11-22T05:30:00.123-05:00") == 1'795'343'400'123'000);
  CHECK_FALSE(parse_rfc3339("2026-11-22 10:16:40Z").has_value());
  CHECK_FALSE(parse_rfc3339("yesterday").has_value());
  CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59.999Z");
  // Found by fuzzing: a time from a corrupt record overflowed the floor division; such times now
  // show as the nearest end of years 0000-9999.
  CHECK(format_rfc3339(std::numeric_limits<Micros>::min()) == "0000-01-01T00:00:00.000Z");
  CHECK(format_rfc3339(std::numeric_limits<Micros>::max()) == "9999-12-31T23:59:59.999Z");
}

TEST_CASE("the JSON writer escapes what JSON requires", "[support][json]") {
  JsonWriter w;
  w.begin_object().field("a\"b", "line\nnext\t\x01").key("list").begin_array().value(1).null().value(true).end_array().end_object();
  CHECK(w.str() == R"({"a\"b":"line\nnext\t\u0001","list":[1,null,true]})");
}

TEST_CASE("metrics render in the Prometheus text format", "[support][metrics]") {
  metrics::Registry r;
  r.counter("x_total", "Xs", "code=\"200\"").inc(3);
  auto& h = r.histogram("lat_seconds", "Latency", "route=\"/a\"", {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  r.gauge("g", "G", [] { return 2.5; });
  auto text = r.render();
  CHECK(text.find("# TYPE x_total counter\nx_total{code=\"200\"} 3\n") != std::string::npos);
  CHECK(text.find("lat_seconds_bucket{route=\"/a\",le=\"0.10000000000000001\"} 1\n") != std::string::npos);
  CHECK(text.find("lat_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("lat_seconds_count{route=\"/a\"} 3\n") != std::string::npos);
  CHECK(text.find("g 2.5\n") != std::string::npos);
}
