#include "app/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace bitacora::app {
namespace {

constexpr std::uint64_t kCheckEvery = 4096;  // items between looks at the clock
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr auto kFirstDrawAfter = std::chrono::milliseconds(100);  // a pass done sooner shows nothing

std::string rate_text(double per_second) {
  char text[32];
  if (per_second >= 1e6) std::snprintf(text, sizeof text, "%.1fM/s", per_second / 1e6);
  else if (per_second >= 1e3) std::snprintf(text, sizeof text, "%.0fk/s", per_second / 1e3);
  else std::snprintf(text, sizeof text, "%.0f/s", per_second);
  return text;
}

std::string duration_text(double seconds) {
  char text[32];
  const auto s = static_cast<long long>(std::ceil(seconds));
  if (s >= 3600) std::snprintf(text, sizeof text, "%lldh%02lldm", s / 3600, s % 3600 / 60);
  else if (s >= 60) std::snprintf(text, sizeof text, "%lldm%02llds", s / 60, s % 60);
  else std::snprintf(text, sizeof text, "%llds", s);
  return text;
}

}  // namespace

Progress::Progress(std::string verb, std::uint64_t total)
    : verb_(std::move(verb)), total_(total), enabled_(isatty(STDERR_FILENO) != 0) {}

std::string Progress::line(const std::string& verb, std::uint64_t done, std::uint64_t total, double seconds) {
  std::string out = verb + " " + std::to_string(done);
  if (total > 0) out += " of " + std::to_string(total);
  out += " events";
  if (total > 0) out += " (" + std::to_string(done * 100 / total) + "%)";
  if (seconds <= 0 || done == 0) return out;
  const double rate = static_cast<double>(done) / seconds;
  out += ", " + rate_text(rate);
  if (total > done) out += ", ETA " + duration_text(static_cast<double>(total - done) / rate);
  return out;
}

void Progress::redraw(std::uint64_t done) {
  next_check_ = done + kCheckEvery;
  const auto now = std::chrono::steady_clock::now();
  if (now - (drawn_ ? last_draw_ : started_) < (drawn_ ? kRedrawEvery : kFirstDrawAfter)) return;
  last_draw_ = now;
  drawn_ = true;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  std::fprintf(stderr, "\r\033[K%s", line(verb_, done, total_, seconds).c_str());
  std::fflush(stderr);
}

void Progress::clear() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace bitacora::app
