#include "support/metrics.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace bitacora::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::observe(double v) noexcept {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (v > 0) sum_nanos_.fetch_add(static_cast<std::uint64_t>(std::llround(v * 1e9)), std::memory_order_relaxed);
}

double Histogram::sum() const noexcept {
  return static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
}

std::vector<double> latency_buckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
}

Registry::Family& Registry::family(const std::string& name, const std::string& help, const char* type) {
  auto& f = families_[name];
  if (f.type.empty()) {
    f.help = help;
    f.type = type;
  } else if (f.type != type) {
    throw std::logic_error("metric " + name + " registered as " + f.type + " and " + type);
  }
  return f;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const std::string& labels) {
  std::lock_guard lock(mu_);
  auto& slot = family(name, help, "counter").counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const std::string& labels, const std::vector<double>& bounds) {
  std::lock_guard lock(mu_);
  auto& slot = family(name, help, "histogram").histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void Registry::gauge(const std::string& name, const std::string& help, std::function<double()> read,
                     const std::string& labels) {
  std::lock_guard lock(mu_);
  family(name, help, "gauge").gauges[labels] = std::move(read);
}

void Registry::counter_of(const std::string& name, const std::string& help, std::function<double()> read,
                          const std::string& labels) {
  std::lock_guard lock(mu_);
  family(name, help, "counter").gauges[labels] = std::move(read);
}

namespace {
std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
std::string series(const std::string& name, const std::string& labels) {
  return labels.empty() ? name : name + "{" + labels + "}";
}
std::string with_le(const std::string& labels, const std::string& le) {
  return labels.empty() ? "le=\"" + le + "\"" : labels + ",le=\"" + le + "\"";
}
}  // namespace

std::string Registry::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, c] : f.counters) out += series(name, labels) + " " + std::to_string(c->value()) + "\n";
    for (const auto& [labels, g] : f.gauges) out += series(name, labels) + " " + number(g()) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      std::uint64_t cumulative = 0;
      for (size_t i = 0; i < h->bounds().size(); ++i) {
        cumulative += h->bucket(i);
        out += series(name + "_bucket", with_le(labels, number(h->bounds()[i]))) + " " + std::to_string(cumulative) + "\n";
      }
      cumulative += h->bucket(h->bounds().size());
      out += series(name + "_bucket", with_le(labels, "+Inf")) + " " + std::to_string(cumulative) + "\n";
      out += series(name + "_sum", labels) + " " + number(h->sum()) + "\n";
      out += series(name + "_count", labels) + " " + std::to_string(h->count()) + "\n";
    }
  }
  return out;
}

std::string label_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out;
}

}  // namespace bitacora::metrics
