// Hashing, HMAC and encodings used by the gateway adapters, JWT and the hash chain.
// Thin wrappers over OpenSSL 3, except sha256_each (sha256_each.cpp); thread-safe (no shared state).
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bitacora::crypto {

using Digest = std::array<unsigned char, 32>;

[[nodiscard]] Digest sha256(std::string_view data);
// The SHA-256 of each message, into out[i] (out is as long as messages). Where the CPU has the SHA
// extensions it hashes two at a time, side by side: on messages of a few hundred bytes about 1.5
// times as fast as calling sha256 for each (sha256_each.cpp says why; bench/README has figures).
void sha256_each(std::span<const std::string_view> messages, std::span<Digest> out);
// Whether sha256_each uses the CPU's SHA extensions.
[[nodiscard]] bool sha_extensions();
[[nodiscard]] Digest hmac_sha256(std::string_view key, std::string_view data);

[[nodiscard]] std::string hex(const Digest& d);                 // lower case
[[nodiscard]] std::string hex(std::string_view bytes);          // lower case
[[nodiscard]] std::string sha256_hex(std::string_view data);
[[nodiscard]] std::string sha256_bytes(std::string_view data);  // the 32 raw digest bytes, as a string
[[nodiscard]] std::string base64(std::string_view bytes);       // standard alphabet, padded
[[nodiscard]] std::string base64(const Digest& d);
// Accepts the standard alphabet with or without padding; nullopt on any other character.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);
[[nodiscard]] std::optional<std::string> base64url_decode(std::string_view text);
[[nodiscard]] std::string base64url(std::string_view bytes);    // unpadded

// Constant-time equality (CRYPTO_memcmp); different lengths compare unequal.
[[nodiscard]] bool equal_constant_time(std::string_view a, std::string_view b);
// Constant-time comparison of a hex digest with text that may be upper or lower case.
[[nodiscard]] bool hex_equal(const Digest& d, std::string_view hex_text);

}  // namespace bitacora::crypto
