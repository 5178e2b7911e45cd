// Registry<Traits>: finds the actor of a key, spawning (waking) it on first use. One registry per
// aggregate kind. Thread-safe: HTTP handlers and coordinators call find() from any thread.
// (Passivating idle actors comes with snapshots; until then an actor lives until shutdown.)
#pragma once

#include <caf/all.hpp>

#include <mutex>
#include <string>
#include <unordered_map>

#include "actors/aggregate_actor.hpp"

namespace bitacora::actors {

template <class Traits>
class Registry {
 public:
  Registry(caf::actor_system& system, ActorDeps& deps) : system_(system), deps_(deps) {}

  [[nodiscard]] caf::actor find(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = actors_.find(key);
    if (it != actors_.end()) return it->second;
    auto a = system_.spawn(aggregate_actor<Traits>, &deps_, key);
    actors_.emplace(key, a);
    return a;
  }

  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mu_);
    return actors_.size();
  }

  // Asks every actor to exit (the actor system's destructor waits for them).
  void stop_all() {
    std::lock_guard lock(mu_);
    for (auto& [key, a] : actors_) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    actors_.clear();
  }

 private:
  caf::actor_system& system_;
  ActorDeps& deps_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, caf::actor> actors_;
};

}  // namespace bitacora::actors
