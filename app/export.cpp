#include "app/export.hpp"

#include <unistd.h>

#include <cstdio>
#include <ostream>

#include "app/progress.hpp"
#include "storage/log.hpp"

namespace bitacora::app {

int export_events(const ExportFlags& flags, std::ostream& out) {
  storage::LogOptions options;
  options.dir = flags.data_dir;
  auto log = storage::EventLog::open(options, storage::OpenMode::read_only);
  if (!log) {
    std::fprintf(stderr, "bitacora export: %s\n", log.error().message.c_str());
    return log.error().code == Errc::not_found ? 2 : 1;
  }
  auto last = (*log)->last_seq();
  if (!last) {
    std::fprintf(stderr, "bitacora export: %s\n", last.error().message.c_str());
    return 1;
  }
  const events::Seq first = std::max<events::Seq>(flags.from_seq, 1);
  Progress progress("exported", *last >= first ? *last - first + 1 : 0);
  constexpr std::size_t kPage = 10'000;
  std::uint64_t written = 0;
  for (events::Seq next = first; next <= *last;) {
    auto page = (*log)->read_from(next, kPage);
    if (!page) {
      std::fprintf(stderr, "bitacora export: %s\n", page.error().message.c_str());
      return 1;
    }
    if (page->empty()) break;
    for (const auto& ev : *page) {
      if (ev.seq > *last) break;  // stop at what existed when the export began
      if (!flags.stream_prefix.empty() && ev.envelope.stream.rfind(flags.stream_prefix, 0) != 0) continue;
      out << events::to_json(ev.seq, ev.envelope) << '\n';
      ++written;
    }
    next = page->back().seq + 1;
    progress.update(next - first);
  }
  out.flush();
  progress.clear();
  if (isatty(STDERR_FILENO) != 0) std::fprintf(stderr, "%llu events\n", static_cast<unsigned long long>(written));
  return out ? 0 : 1;
}

}  // namespace bitacora::app
