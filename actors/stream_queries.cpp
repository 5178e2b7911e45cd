#include "actors/stream_queries.hpp"

#include "domain/product.hpp"
#include "events/catalog_events.hpp"

namespace bitacora::actors {

Result<std::optional<storage::StoredEvent>> StreamQueries::fold(const std::string& stream, events::Seq max_seq,
                                                                Micros max_at, snapshots::AnyState& state) const {
  constexpr std::size_t kPage = 10'000;
  std::optional<storage::StoredEvent> last;
  state = snapshots::initial_state(stream);
  for (std::uint64_t from = 1;;) {
    auto page = log_.read_stream(stream, from, kPage);
    if (!page) return page.error();
    const std::uint64_t next = page->empty() ? from : page->back().envelope.stream_version + 1;
    for (auto& ev : *page) {
      if (ev.seq > max_seq || ev.envelope.at / 1000 > max_at / 1000) return last;
      if (auto s = snapshots::apply_event(state, ev.envelope); !s)
        return Error{Errc::data_loss, events::event_ref(ev.seq, ev.envelope.stream, ev.envelope.stream_version) + ": " +
                                          s.error().message};
      last = std::move(ev);
    }
    if (page->size() < kPage) return last;
    from = next;
  }
}

Result<std::optional<StreamStateAt>> StreamQueries::state_at(const std::string& stream, events::Seq max_seq,
                                                             Micros max_at) const {
  snapshots::AnyState state;
  auto last = fold(stream, max_seq, max_at, state);
  if (!last) return last.error();
  if (!*last) return std::optional<StreamStateAt>();
  return std::optional<StreamStateAt>(StreamStateAt{std::move(**last), snapshots::any_state_json(state)});
}

Result<std::vector<std::pair<OrderRef, std::int64_t>>> StreamQueries::reservations_of(const Sku& sku) const {
  snapshots::AnyState state;
  auto last = fold(events::product_stream(sku), UINT64_MAX, INT64_MAX, state);
  if (!last) return last.error();
  std::vector<std::pair<OrderRef, std::int64_t>> out;
  if (const auto* p = snapshots::state_if<domain::ProductState>(state)) out.assign(p->reservations.begin(), p->reservations.end());
  return out;
}

}  // namespace bitacora::actors
