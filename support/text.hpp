// Checks on text that arrives from outside: UTF-8 well-formedness, and the rule for names that end
// up in stream ids, dedupe keys, URLs and log lines. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bitacora {

// Whether `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
[[nodiscard]] bool valid_utf8(std::string_view s) noexcept;

// The length of the well-formed UTF-8 sequence at the start of `s`, or 0 when it does not start
// with one (a stray continuation byte, an overlong or truncated sequence, a surrogate).
[[nodiscard]] std::size_t utf8_sequence_length(std::string_view s) noexcept;

// `s` with every byte that is not part of a well-formed sequence replaced by U+FFFD: what a
// reader of text can show of bytes that are not text. Lossy; callers keep the bytes elsewhere.
[[nodiscard]] std::string utf8_lossy(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` bytes that does not end inside a UTF-8
// sequence: truncating text this way keeps it text.
[[nodiscard]] std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) noexcept;

// An identifier bitacora names things by (skus, order references, a gateway's payment id): 1 to
// `max_bytes` characters of A-Z a-z 0-9 . _ -, so it is safe in a path, a URL, a key and a log.
[[nodiscard]] bool valid_identifier(std::string_view s, std::size_t max_bytes = 64) noexcept;

// An ISO 4217 currency code as bitacora stores it: three upper-case ASCII letters.
[[nodiscard]] bool valid_currency(std::string_view s) noexcept;

// The longest names anything outside may give us: a JWT subject, a gateway's event id, a
// Standard Webhooks message id.
inline constexpr std::size_t kMaxNameBytes = 256;

// A name that may become part of a stream id, a dedupe key or a log line: 1 to `max_bytes` bytes of
// well-formed UTF-8 without control characters (C0, DEL or C1). NUL in particular never passes, so
// a name can never end early in a key.
[[nodiscard]] bool valid_name(std::string_view s, std::size_t max_bytes = kMaxNameBytes) noexcept;

}  // namespace bitacora
