// Progress of a long CLI pass (audit, export, replay) on standard error, only when that is a
// terminal: "audited 1250000 of 4000000 events (31%), 812k/s, ETA 3s", first drawn after 100 ms (a
// quicker pass shows nothing), redrawn at most ten times a second, then cleared. Costs a comparison
// per item between redraws.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace bitacora::app {

class Progress {
 public:
  // `verb` as in "audited"; `total` items expected (0: unknown, then no percentage or ETA).
  Progress(std::string verb, std::uint64_t total);
  ~Progress() { clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(std::uint64_t done) {
    if (enabled_ && done >= next_check_) redraw(done);
  }
  // Erases the line (before a summary is printed).
  void clear();

  // The line for `done` items after `seconds` (for tests).
  [[nodiscard]] static std::string line(const std::string& verb, std::uint64_t done, std::uint64_t total, double seconds);

 private:
  void redraw(std::uint64_t done);
  std::string verb_;
  std::uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::uint64_t next_check_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace bitacora::app
