#include "support/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cctype>
#include <memory>

namespace bitacora::crypto {
namespace {

// OpenSSL 3's one-shot SHA256() looks the algorithm up by name, under a lock, on every call: a
// fifth of `bitacora audit`'s time, which hashes every event. Fetch it once and keep one context
// per thread instead.
const EVP_MD* sha256_algorithm() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

EVP_MD_CTX* thread_digest_context() {
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return ctx.get();
}

}  // namespace

Digest sha256(std::string_view data) {
  Digest d{};
  EVP_MD_CTX* ctx = thread_digest_context();
  const EVP_MD* md = sha256_algorithm();
  unsigned int len = 0;
  if (ctx && md && EVP_DigestInit_ex2(ctx, md, nullptr) == 1 && EVP_DigestUpdate(ctx, data.data(), data.size()) == 1 &&
      EVP_DigestFinal_ex(ctx, d.data(), &len) == 1 && len == d.size())
    return d;
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d.data());  // out of memory: the slow way
  return d;
}

Digest hmac_sha256(std::string_view key, std::string_view data) {
  Digest d{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), d.data(), &len);
  return d;
}

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xf]);
  }
  return out;
}

std::string hex(const Digest& d) {
  return hex(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

std::string sha256_hex(std::string_view data) { return hex(sha256(data)); }

namespace {
constexpr char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string encode(std::string_view in, bool url) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  auto ch = [url](unsigned v) {
    char c = b64[v & 63];
    if (url && c == '+') return '-';
    if (url && c == '/') return '_';
    return c;
  };
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) | static_cast<unsigned char>(in[i + 2]);
    out += ch(v >> 18); out += ch(v >> 12); out += ch(v >> 6); out += ch(v);
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += ch(v >> 18); out += ch(v >> 12);
    if (!url) out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += ch(v >> 18); out += ch(v >> 12); out += ch(v >> 6);
    if (!url) out += '=';
  }
  return out;
}

std::optional<std::string> decode(std::string_view in, bool url) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  out.reserve(in.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == (url ? '-' : '+')) v = 62;
    else if (c == (url ? '_' : '/')) v = 63;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone trailing character cannot encode a byte
  return out;
}
}  // namespace

std::string sha256_bytes(std::string_view data) {
  auto d = sha256(data);
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

std::string base64(std::string_view bytes) { return encode(bytes, false); }
std::string base64(const Digest& d) {
  return base64(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}
std::string base64url(std::string_view bytes) { return encode(bytes, true); }
std::optional<std::string> base64_decode(std::string_view text) { return decode(text, false); }
std::optional<std::string> base64url_decode(std::string_view text) { return decode(text, true); }

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool hex_equal(const Digest& d, std::string_view hex_text) {
  if (hex_text.size() != d.size() * 2) return false;
  std::string lowered(hex_text);
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return equal_constant_time(hex(d), lowered);
}

}  // namespace bitacora::crypto
