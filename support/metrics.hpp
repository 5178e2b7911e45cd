// Metrics: counters, histograms and gauges rendered in the Prometheus text format.
// Each module registers its own series in the one Registry that app/ creates and passes down.
// Lookups take a mutex; the returned references are stable for the registry's lifetime, so hot
// paths look a series up once and keep the reference. Updating a series is lock-free.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bitacora::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v) noexcept;
  [[nodiscard]] const std::vector<double>& bounds() const noexcept { return bounds_; }
  [[nodiscard]] std::uint64_t bucket(size_t i) const noexcept { return counts_[i].load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  [[nodiscard]] double sum() const noexcept;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // one per bound, non-cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_nanos_{0};                // sum × 1e9, so it stays an integer
};

// Latency buckets in seconds, 50 µs to 10 s.
[[nodiscard]] std::vector<double> latency_buckets();

class Registry {
 public:
  // `labels` is the Prometheus label body, e.g. `route="/health",code="200"` (already escaped).
  Counter& counter(const std::string& name, const std::string& help, const std::string& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const std::string& labels,
                       const std::vector<double>& bounds);
  // A gauge read when rendered; `read` must be callable from any thread.
  void gauge(const std::string& name, const std::string& help, std::function<double()> read,
             const std::string& labels = {});
  // A counter whose value is kept elsewhere (e.g. durably) and read when rendered.
  void counter_of(const std::string& name, const std::string& help, std::function<double()> read,
                  const std::string& labels = {});

  [[nodiscard]] std::string render() const;

 private:
  struct Family {
    std::string help;
    std::string type;
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    std::map<std::string, std::function<double()>> gauges;
  };
  Family& family(const std::string& name, const std::string& help, const char* type);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

// Escapes a label value for the text format.
[[nodiscard]] std::string label_value(std::string_view v);

}  // namespace bitacora::metrics
