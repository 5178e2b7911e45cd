// For the one-shot tools (audit, replay, export): back the calling thread's heap with transparent
// huge pages. They build tables of every stream and touch each page once; on a VM a 4 KiB page
// fault is dear (a third of audit's time on bench/README's orders log) and 2 MiB pages take 512×
// fewer. The server does not use it: huge pages would blur its per-actor memory and its RSS
// falling back when actors stop.
//
// Works with jemalloc (Debian's, linked into the `bitacora` executable): a new arena whose extent
// hook asks the kernel for huge pages (madvise; THP "madvise" or "always" mode), bound to this
// thread. Without jemalloc, or if any step fails, it does nothing and says so by returning false;
// the tools work either way. Call it once, from the thread that will do the work.
#pragma once

namespace bitacora::app {

bool prefer_huge_pages() noexcept;

}  // namespace bitacora::app
