#include "app/huge_pages.hpp"

#ifdef BITACORA_HAVE_JEMALLOC

#include <jemalloc/jemalloc.h>
#include <sys/mman.h>

#include <cstddef>

namespace bitacora::app {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

extent_hooks_t* g_default = nullptr;  // jemalloc's own hooks, which do the real work
extent_hooks_t g_hooks;               // a copy of them with `alloc` wrapped

void* alloc_advised(extent_hooks_t*, void* new_addr, std::size_t size, std::size_t alignment, bool* zero, bool* commit,
                    unsigned arena) {
  void* p = g_default->alloc(g_default, new_addr, size, alignment, zero, commit, arena);
  // Advice only: if the kernel refuses, the extent is still good memory.
  if (p && size >= kHugePage) madvise(p, size, MADV_HUGEPAGE);
  return p;
}

}  // namespace

bool prefer_huge_pages() noexcept {
  std::size_t n = sizeof(g_default);
  if (mallctl("arena.0.extent_hooks", static_cast<void*>(&g_default), &n, nullptr, 0) != 0 || !g_default) return false;
  g_hooks = *g_default;
  g_hooks.alloc = alloc_advised;
  extent_hooks_t* hooks = &g_hooks;
  unsigned arena = 0;
  n = sizeof(arena);
  if (mallctl("arenas.create", &arena, &n, static_cast<void*>(&hooks), sizeof(hooks)) != 0) return false;
  return mallctl("thread.arena", nullptr, nullptr, &arena, sizeof(arena)) == 0;
}

}  // namespace bitacora::app

#else

namespace bitacora::app {

bool prefer_huge_pages() noexcept { return false; }

}  // namespace bitacora::app

#endif
