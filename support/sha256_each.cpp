// sha256_each: many short messages at once. OpenSSL hashes one message at a time, and on a CPU with
// the SHA extensions each 64-byte block is a chain of 32 dependent sha256rnds2 instructions: the
// unit sits idle between them. Hashing two messages side by side fills part of those gaps (1.5x on
// event-sized messages here; more lanes spill registers and were slower). That is what `bitacora
// audit` needs: it hashes every stored event (a few hundred bytes each), and the chain links are
// checked after the digests are known, so nothing forces one at a time.
//
// The block function is the SHA extensions' usual one (FIPS 180-4's rounds, four at a time, with
// sha256msg1/msg2 computing the message schedule), written for N lanes so that the compiler lays
// the lanes' instructions side by side. Without the extensions, or off x86, it is OpenSSL's, one by one.
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

#include "support/crypto.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define BITACORA_SHA_NI 1
#endif

namespace bitacora::crypto {
namespace {

void one_at_a_time(std::span<const std::string_view> messages, std::span<Digest> out) {
  for (std::size_t i = 0; i < messages.size(); ++i) out[i] = sha256(messages[i]);
}

}  // namespace

#ifdef BITACORA_SHA_NI
namespace {

bool cpu_has_sha_extensions() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool ssse3 = (c & bit_SSSE3) != 0, sse41 = (c & bit_SSE4_1) != 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return ssse3 && sse41 && (b & bit_SHA) != 0;
}

// One message as a run of 64-byte blocks: its whole blocks where they lie, then its last bytes,
// the 0x80 marker and its length in bits, padded into one or two blocks of `tail`.
struct Blocks {
  const unsigned char* data = nullptr;
  std::size_t whole = 0;  // blocks read from data
  std::size_t count = 0;  // whole + the tail's one or two
  alignas(16) unsigned char tail[128];

  explicit Blocks(std::string_view m) : data(reinterpret_cast<const unsigned char*>(m.data())), whole(m.size() / 64) {
    const std::size_t rest = m.size() % 64;
    const std::size_t tail_blocks = rest + 9 <= 64 ? 1 : 2;
    count = whole + tail_blocks;
    std::memset(tail, 0, sizeof tail);
    if (rest > 0) std::memcpy(tail, data + whole * 64, rest);
    tail[rest] = 0x80;
    const std::uint64_t bits = static_cast<std::uint64_t>(m.size()) * 8;
    for (int i = 0; i < 8; ++i) tail[tail_blocks * 64 - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  }
  [[nodiscard]] const unsigned char* block(std::size_t i) const {
    return i < whole ? data + i * 64 : tail + (i - whole) * 64;
  }
};

alignas(16) constexpr std::uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// A lane's state in the layout sha256rnds2 wants: {A,B,E,F} and {C,D,G,H}.
struct Lane {
  __m128i abef, cdgh;
};

__attribute__((target("sha,sse4.1,ssse3"))) Lane initial_lane() {
  // H0..H7 of FIPS 180-4 §5.3.3, rearranged as in the end of digest_of.
  const __m128i abcd = _mm_set_epi32(static_cast<int>(0xa54ff53a), 0x3c6ef372, static_cast<int>(0xbb67ae85), 0x6a09e667);
  const __m128i efgh = _mm_set_epi32(0x5be0cd19, 0x1f83d9ab, static_cast<int>(0x9b05688c), 0x510e527f);
  const __m128i cdab = _mm_shuffle_epi32(abcd, 0xB1);
  const __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
  return {_mm_alignr_epi8(cdab, hgfe, 8), _mm_blend_epi16(hgfe, cdab, 0xF0)};
}

// One block into each of N lanes. Each lane's rounds depend on one another; the lanes' do not.
template <int N>
__attribute__((target("sha,sse4.1,ssse3"))) void compress(Lane* lane, const unsigned char* const* block) {
  // Everything is read into registers first and the state written back last: the block is bytes,
  // which may alias the state, so a store between reads would have to reach memory.
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i w[N][4];  // the message schedule, four words a vector: the last four vectors
  Lane st[N];
  for (int l = 0; l < N; ++l) {
    st[l] = lane[l];
    for (int g = 0; g < 4; ++g)
      w[l][g] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block[l] + 16 * g)), byte_swap);
  }
#pragma GCC unroll 16
  for (int g = 0; g < 16; ++g) {
    const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(kRound + 4 * g));
#pragma GCC unroll 4
    for (int l = 0; l < N; ++l) {
      if (g >= 4) {
        // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], four at a time.
        const __m128i w16 = w[l][g % 4], w12 = w[l][(g + 1) % 4], w8 = w[l][(g + 2) % 4], w4 = w[l][(g + 3) % 4];
        __m128i m = _mm_sha256msg1_epu32(w16, w12);
        m = _mm_add_epi32(m, _mm_alignr_epi8(w4, w8, 4));
        w[l][g % 4] = _mm_sha256msg2_epu32(m, w4);
      }
      __m128i mk = _mm_add_epi32(w[l][g % 4], k);
      st[l].cdgh = _mm_sha256rnds2_epu32(st[l].cdgh, st[l].abef, mk);
      mk = _mm_shuffle_epi32(mk, 0x0E);
      st[l].abef = _mm_sha256rnds2_epu32(st[l].abef, st[l].cdgh, mk);
    }
  }
  for (int l = 0; l < N; ++l) {
    lane[l].abef = _mm_add_epi32(st[l].abef, lane[l].abef);
    lane[l].cdgh = _mm_add_epi32(st[l].cdgh, lane[l].cdgh);
  }
}

__attribute__((target("sha,sse4.1,ssse3"))) Digest digest_of(const Lane& lane) {
  const __m128i feba = _mm_shuffle_epi32(lane.abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(lane.cdgh, 0xB1);
  const __m128i dcba = _mm_blend_epi16(feba, dchg, 0xF0);
  const __m128i hgfe = _mm_alignr_epi8(dchg, feba, 8);
  // The state words, big-endian: byte-reverse each 32-bit word.
  const __m128i word_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  Digest d;
  _mm_storeu_si128(reinterpret_cast<__m128i*>(d.data()), _mm_shuffle_epi8(dcba, word_swap));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(d.data() + 16), _mm_shuffle_epi8(hgfe, word_swap));
  return d;
}

// A message being hashed: its blocks, and how far its lane has gone.
struct Job {
  Blocks blocks;
  std::size_t next = 0;   // its next block
  std::size_t index = 0;  // its place in messages and out
  Job(std::string_view m, std::size_t i) : blocks(m), index(i) {}
  [[nodiscard]] std::size_t left() const { return blocks.count - next; }
};

}  // namespace

bool sha_extensions() {
  static const bool has = cpu_has_sha_extensions();
  return has;
}

// Two lanes kept full: when one's message ends, the next message takes its place, so that messages
// of different lengths still share the unit; the last one left is finished alone.
void sha256_each(std::span<const std::string_view> messages, std::span<Digest> out) {
  if (!sha_extensions()) return one_at_a_time(messages, out);
  std::optional<Job> job[2];
  Lane lane[2];
  std::size_t taken = 0;
  auto start = [&](int l) {
    job[l].reset();
    if (taken == messages.size()) return;
    job[l].emplace(messages[taken], taken);
    lane[l] = initial_lane();
    ++taken;
  };
  start(0);
  start(1);
  while (job[0] && job[1]) {
    for (std::size_t n = std::min(job[0]->left(), job[1]->left()); n > 0; --n) {
      const unsigned char* blocks[2] = {job[0]->blocks.block(job[0]->next++), job[1]->blocks.block(job[1]->next++)};
      compress<2>(lane, blocks);
    }
    for (int l = 0; l < 2; ++l) {
      if (job[l]->left() > 0) continue;
      out[job[l]->index] = digest_of(lane[l]);
      start(l);
    }
  }
  for (int l = 0; l < 2; ++l) {
    if (!job[l]) continue;
    for (; job[l]->left() > 0;) {
      const unsigned char* block = job[l]->blocks.block(job[l]->next++);
      compress<1>(&lane[l], &block);
    }
    out[job[l]->index] = digest_of(lane[l]);
  }
}

#else

bool sha_extensions() { return false; }

void sha256_each(std::span<const std::string_view> messages, std::span<Digest> out) { one_at_a_time(messages, out); }

#endif

}  // namespace bitacora::crypto
