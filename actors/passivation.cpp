#include "actors/passivation.hpp"

#include <algorithm>

namespace bitacora::actors {
namespace {

// The sweeper's wake-up, sent to itself: a plain message like every other.
struct Tick {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Tick&) {
  return f(caf::meta::type_name("sweeper.Tick"));
}

caf::behavior sweeper(caf::event_based_actor* self, std::chrono::milliseconds interval, std::function<void()> sweep) {
  self->delayed_send(self, interval, Tick{});
  return {
      [self, interval, sweep](Tick) {
        sweep();
        self->delayed_send(self, interval, Tick{});
      },
  };
}

}  // namespace

Sweeper::Sweeper(caf::actor_system& system, std::chrono::milliseconds interval, std::function<void()> sweep)
    : actor_(system.spawn(sweeper, interval, std::move(sweep))) {}

Sweeper::~Sweeper() { stop(); }

void Sweeper::stop() {
  if (!actor_) return;
  caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
  actor_ = caf::actor();
}

std::chrono::milliseconds sweep_interval(std::chrono::microseconds idle) {
  auto quarter = std::chrono::duration_cast<std::chrono::milliseconds>(idle / 4);
  return std::clamp(quarter, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
}

}  // namespace bitacora::actors
