// Field-list JSON codecs, internal to events/ and domain/ (not a general JSON library).
//
// An event's codec is one function that names its fields, used in both directions:
//   void fields(auto& io, Is<StockReserved> auto& e) { io("order_reference", e.order_reference);
//                                                       io("quantity", e.quantity); }
// json::write(e) renders it as a JSON object; json::read<E>(text) parses one back, and any missing
// or mistyped field, or text that is not a JSON object, is Errc::data_loss naming E::kType.
// Field types: std::string, Bytes (raw bytes from the wire), UnreadString (reading only), strong
// ids, integers (range-checked), enums with to_string/parse found by ADL, std::map or a hash map
// (std::unordered_map, boost::unordered_flat_map) of <id or string, int64> (a JSON object, in key
// order either way),
// std::vector<T> where T has its own `fields` (an array of objects);
// io.time(k, micros) writes "k" (RFC 3339) and "k_us", reads "k_us"; bool; std::vector of strong
// ids (an array of strings); std::optional of an integer, a string or such a vector (null when
// empty), and io.time(k, optional micros) (both members null when empty);
// defaulted(x): a member added to an existing event, which its older records lack — read when
// present, left as the decoder's default otherwise (so the old record keeps its old meaning), and
// written only when it is not the default.
// `fields` is found by argument-dependent lookup, so it lives in the struct's namespace.
// Document also serves hand-written decoders: `Document d(bytes); d("k", out); if (!d.ok()) …`.
// Reading is lenient in two ways only: a member no decoder reads is checked for its place in the
// text's structure, not for its value (an unread `tru` passes); and text holding malformed UTF-8
// (written before the JSON writer replaced it) is read with U+FFFD in place of those bytes.
// Pure; one reader or writer per document; thread-safe across documents.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "events/ids.hpp"
#include "support/crypto.hpp"
#include "support/json_writer.hpp"
#include "support/result.hpp"
#include "support/text.hpp"
#include "support/time.hpp"

namespace bitacora::events {

// `Is<X> auto& e` binds both `X&` and `const X&`, so one `fields` serves reading and writing.
template <class T, class U>
concept Is = std::same_as<std::remove_const_t<T>, U>;

namespace json {

inline const std::string& text_of(const std::string& s) { return s; }
template <class Tag>
const std::string& text_of(const NamedType<std::string, Tag>& id) { return id.value(); }

template <class E>
void write_object(JsonWriter& w, const E& e);

// Bytes as they came off the wire (a request's body or query), kept exactly. Written as a JSON
// string when they are well-formed UTF-8, which is nearly always; otherwise the string shows them
// with U+FFFD for each byte that is not text, and a member "<key>_base64" holds the bytes
// themselves. Read back either way. `bytes(s)` makes one for `io(…)`.
template <class S>
struct Bytes {
  S& value;
};
inline Bytes<std::string> bytes(std::string& s) { return {s}; }
inline Bytes<const std::string> bytes(const std::string& s) { return {s}; }

// A member that records written before it existed lack (see the top of this file).
template <class T>
struct Defaulted {
  T& value;
};
template <class T>
Defaulted<T> defaulted(T& v) {
  return {v};
}

template <class T>
struct IsIdVector : std::false_type {};
template <class Tag>
struct IsIdVector<std::vector<NamedType<std::string, Tag>>> : std::true_type {};
[[nodiscard]] inline std::string base64_key(std::string_view k) { return std::string(k) + "_base64"; }

// Writes member `k` of `w`'s open object as Bytes does.
inline void write_bytes(JsonWriter& w, std::string_view k, std::string_view value) {
  w.field(k, value);  // malformed UTF-8 comes out as U+FFFD
  if (!simdjson::validate_utf8(value.data(), value.size())) w.field(base64_key(k), crypto::base64(value));
}

class FieldWriter {
 public:
  explicit FieldWriter(JsonWriter& w) : w_(w) {}

  void operator()(std::string_view k, const std::string& v) { w_.field(k, v); }
  template <class S>
  void operator()(std::string_view k, Bytes<S> b) { write_bytes(w_, k, b.value); }
  template <class Tag>
  void operator()(std::string_view k, const NamedType<std::string, Tag>& v) { w_.field(k, v.value()); }
  template <std::integral T>
  void operator()(std::string_view k, T v) {
    if constexpr (std::is_signed_v<T>) w_.field(k, static_cast<std::int64_t>(v));
    else w_.field(k, static_cast<std::uint64_t>(v));
  }
  template <class E>
    requires std::is_enum_v<E>
  void operator()(std::string_view k, E v) { w_.field(k, to_string(v)); }
  template <class K>
  void operator()(std::string_view k, const std::map<K, std::int64_t>& m) {
    w_.key(k).begin_object();
    for (const auto& [key, v] : m) w_.field(text_of(key), v);
    w_.end_object();
  }
  // In key order, as a std::map is: the same contents always make the same text.
  template <class Map>
    requires std::is_same_v<typename Map::mapped_type, std::int64_t> && requires { typename Map::hasher; }
  void operator()(std::string_view k, const Map& m) {
    std::vector<const typename Map::value_type*> sorted;
    sorted.reserve(m.size());
    for (const auto& entry : m) sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    w_.key(k).begin_object();
    for (const auto* entry : sorted) w_.field(text_of(entry->first), entry->second);
    w_.end_object();
  }
  template <class T>
  void operator()(std::string_view k, const std::vector<T>& items) {
    w_.key(k).begin_array();
    for (const auto& item : items) {
      if constexpr (IsIdVector<std::vector<T>>::value) w_.value(item.value());
      else write_object(w_, item);
    }
    w_.end_array();
  }
  void operator()(std::string_view k, bool v) { w_.field(k, v); }
  template <class T>
  void operator()(std::string_view k, const std::optional<T>& v) {
    if (v) (*this)(k, *v);
    else w_.key(k).null();
  }
  // Left out when it holds its default, as records written before it existed do: a record that
  // does not use a newer member reads exactly as it did.
  template <class T>
  void operator()(std::string_view k, Defaulted<T> d) {
    if (d.value == std::remove_const_t<T>{}) return;
    (*this)(k, std::as_const(d.value));
  }
  void time(std::string_view k, Micros t) {
    w_.field(k, format_rfc3339(t));
    w_.field(std::string(k) + "_us", t);
  }
  void time(std::string_view k, const std::optional<Micros>& t) {
    if (t) return time(k, *t);
    w_.key(k).null();
    w_.key(std::string(k) + "_us").null();
  }

 private:
  JsonWriter& w_;
};

// A string member a decoder requires but does not keep: read, it is checked to be a string and
// left undecoded (its escapes unchecked). Readers only.
struct UnreadString {};

// Reads members of one JSON object, by name, in any order. It is simdjson's On-Demand API: a
// member's value is decoded only when read, and the search for a member starts where the last one
// ended, so members read in the order they were written are found at once. The first miss clears
// the shared `ok` flag, and later reads then do nothing, so a decoder reads every field and checks once.
class FieldReader {
 public:
  FieldReader(simdjson::ondemand::object obj, bool& ok) : obj_(obj), ok_(ok) {}

  void operator()(std::string_view k, std::string& out) {
    std::string_view v;
    if (ok_ && !member(k).get_string().get(v)) out.assign(v);
    else fail();
  }
  template <class Tag>
  void operator()(std::string_view k, NamedType<std::string, Tag>& out) {
    std::string s;
    (*this)(k, s);
    out = NamedType<std::string, Tag>(std::move(s));
  }
  template <std::integral T>
  void operator()(std::string_view k, T& out) {
    std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t> v{};
    if (ok_ && !member(k).get(v) && std::in_range<T>(v)) out = static_cast<T>(v);
    else fail();
  }
  template <class E>
    requires std::is_enum_v<E>
  void operator()(std::string_view k, E& out) {
    std::string s;
    (*this)(k, s);
    if (ok_ && !parse(s, out)) fail();
  }
  template <class Map>
    requires std::is_same_v<typename Map::mapped_type, std::int64_t>
  void operator()(std::string_view k, Map& out) {
    simdjson::ondemand::object o;
    if (!ok_ || member(k).get_object().get(o)) return fail();
    for (auto entry : o) {
      std::string_view key;
      if (entry.unescaped_key().get(key)) return fail();
      typename Map::key_type id(std::string{key});  // copied before the value is read
      std::int64_t n = 0;
      if (entry.value().get_int64().get(n)) return fail();
      out[std::move(id)] = n;
    }
  }
  template <class T>
  void operator()(std::string_view k, std::vector<T>& out) {
    simdjson::ondemand::value v;
    if (!ok_ || member(k).get(v)) return fail();
    if (!read_value(v, out)) fail();
  }
  void operator()(std::string_view k, bool& out) {
    if (!ok_ || member(k).get_bool().get(out)) fail();
  }
  template <class T>
  void operator()(std::string_view k, std::optional<T>& out) {
    simdjson::ondemand::value v;
    bool null = false;
    if (!ok_ || member(k).get(v) || v.is_null().get(null)) return fail();
    if (null) return out.reset();
    T item{};
    if (!read_value(v, item)) return fail();
    out = std::move(item);
  }
  template <class T>
  void operator()(std::string_view k, Defaulted<T> d) {
    if (!ok_) return;
    // Looked for once to tell absent from present: any other error (a malformed document) fails
    // here, since searching again from an iterator in error reads through a null parser.
    const auto found = member(k).error();
    if (found == simdjson::NO_SUCH_FIELD) return;
    if (found) return fail();
    (*this)(k, d.value);
  }
  void time(std::string_view k, std::optional<Micros>& out) { (*this)(std::string(k) + "_us", out); }
  void time(std::string_view k, Micros& out) { (*this)(std::string(k) + "_us", out); }
  void operator()(std::string_view k, Bytes<std::string> b) {
    (*this)(k, b.value);
    if (!ok_) return;
    // Absent when the bytes were text (nearly always): looking for it costs one pass over the rest.
    std::string_view encoded;
    auto found = member(base64_key(k));
    if (found.error() == simdjson::NO_SUCH_FIELD) return;
    auto decoded = found.get_string().get(encoded) ? std::nullopt : crypto::base64_decode(encoded);
    if (!decoded) return fail();
    b.value = std::move(*decoded);
  }
  void operator()(std::string_view k, UnreadString&) {
    simdjson::ondemand::raw_json_string raw;
    if (!ok_ || member(k).get_raw_json_string().get(raw)) fail();
  }

  // For readers of types this one does not know (snapshots' states): member k's value, to be read
  // once, before the next member is asked for.
  [[nodiscard]] simdjson::simdjson_result<simdjson::ondemand::value> member(std::string_view k) {
    return obj_.find_field_unordered(k);
  }

 private:
  void fail() noexcept { ok_ = false; }

  // One value already found, of the kinds optional members and arrays hold.
  static bool read_value(simdjson::ondemand::value v, std::string& out) {
    std::string_view s;
    if (v.get_string().get(s)) return false;
    out.assign(s);
    return true;
  }
  template <class Tag>
  static bool read_value(simdjson::ondemand::value v, NamedType<std::string, Tag>& out) {
    std::string s;
    if (!read_value(v, s)) return false;
    out = NamedType<std::string, Tag>(std::move(s));
    return true;
  }
  template <std::integral T>
  static bool read_value(simdjson::ondemand::value v, T& out) {
    std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t> n{};
    if (v.get(n) || !std::in_range<T>(n)) return false;
    out = static_cast<T>(n);
    return true;
  }
  template <class T>
  bool read_value(simdjson::ondemand::value v, std::vector<T>& out) {
    simdjson::ondemand::array a;
    if (v.get_array().get(a)) return false;
    for (auto element : a) {
      if constexpr (IsIdVector<std::vector<T>>::value) {
        simdjson::ondemand::value item_value;
        T item{};
        if (element.get(item_value) || !read_value(item_value, item)) return false;
        out.push_back(std::move(item));
        continue;
      } else {
        simdjson::ondemand::object o;
        if (element.get_object().get(o)) return false;
        T item{};
        FieldReader sub(o, ok_);
        fields(sub, item);
        if (!ok_) return false;
        out.push_back(std::move(item));
      }
    }
    return true;
  }

  simdjson::ondemand::object obj_;
  bool& ok_;
};

// A JSON text that must be exactly one object, and a reader over it. The text's shape is checked
// when the Document is made (an object, closed, nothing after it); members no one reads are then
// skipped over, not decoded. Its parser and padded copy of the text come from a small per-thread
// pool and go back when the Document does (a parser's buffers cost more to make than most of our
// documents cost to parse); documents may nest.
class Document {
 public:
  explicit Document(std::string_view bytes) : parser_(acquire()), root_(open(bytes)), reader_(root_, ok_) {}
  ~Document() {
    auto& pool = parsers();
    if (pool.size() < 4) pool.push_back(std::move(parser_));
  }
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  template <class T>
  void operator()(std::string_view k, T& out) { reader_(k, out); }
  void operator()(std::string_view k, Bytes<std::string> out) { reader_(k, out); }
  [[nodiscard]] FieldReader& reader() noexcept { return reader_; }
  // The object itself, for a reader of another kind (snapshots' states), used instead of reader().
  [[nodiscard]] simdjson::ondemand::object root() const noexcept { return root_; }
  [[nodiscard]] bool ok() const noexcept { return ok_; }

 private:
  struct Parser {
    simdjson::ondemand::parser parser;
    std::string padded;  // the text, then SIMDJSON_PADDING bytes On-Demand may read past its end
    simdjson::ondemand::document doc;
  };

  static std::vector<std::unique_ptr<Parser>>& parsers() {
    thread_local std::vector<std::unique_ptr<Parser>> pool;
    return pool;
  }
  static std::unique_ptr<Parser> acquire() {
    auto& pool = parsers();
    if (pool.empty()) return std::make_unique<Parser>();
    auto p = std::move(pool.back());
    pool.pop_back();
    return p;
  }

  // The root object, its members walked once to check the text's shape (On-Demand checks only
  // what it is asked to read), then rewound for the reader. Clears ok_ if the text is not one object.
  simdjson::ondemand::object open(std::string_view bytes) {
    Parser& p = *parser_;
    p.padded.assign(bytes);
    std::size_t length = bytes.size();
    p.padded.resize(length + simdjson::SIMDJSON_PADDING);
    auto iterated = p.parser.iterate(p.padded.data(), length, p.padded.size()).get(p.doc);
    if (iterated == simdjson::UTF8_ERROR) {
      // Written before the JSON writer replaced malformed UTF-8 (it passed such bytes through): read
      // with U+FFFD in their place rather than not at all. The stored bytes stay as they are.
      p.padded = utf8_lossy(bytes);
      length = p.padded.size();
      p.padded.resize(length + simdjson::SIMDJSON_PADDING);
      iterated = p.parser.iterate(p.padded.data(), length, p.padded.size()).get(p.doc);
    }
    simdjson::ondemand::object root;
    ok_ = !iterated && !p.doc.get_object().get(root) && walk_members(root);
    if (!ok_) return root;
    const bool at_end = p.doc.current_depth() == 0 && p.doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
    ok_ = at_end && !root.reset().error();
    return root;
  }

  // Walks every object and array inside, whole. On-Demand skips a value nobody reads by counting
  // brackets, without looking inside it, so a nested value that is not JSON (a ']' closing a '{',
  // a stray token after a string) would pass the walk and be met later by an unordered lookup
  // that wraps around the object, where simdjson assumes (SIMDJSON_ASSUME: undefined behaviour
  // when false) it was already checked. Found by fuzzing. Scalars are checked for their place only.
  static bool walk_members(simdjson::ondemand::object object) {
    for (auto member : object) {
      simdjson::ondemand::field field;
      if (std::move(member).get(field) || !walk(field.value())) return false;
    }
    return true;
  }
  static bool walk(simdjson::ondemand::value value) {
    simdjson::ondemand::json_type type;
    if (value.type().get(type)) return false;
    if (type == simdjson::ondemand::json_type::object) {
      simdjson::ondemand::object object;
      return !value.get_object().get(object) && walk_members(object);
    }
    if (type == simdjson::ondemand::json_type::array) {
      simdjson::ondemand::array array;
      if (value.get_array().get(array)) return false;
      for (auto element : array) {
        simdjson::ondemand::value item;
        if (std::move(element).get(item) || !walk(item)) return false;
      }
    }
    return true;
  }

  std::unique_ptr<Parser> parser_;
  bool ok_ = false;  // set by open(); before reader_, which holds a reference to it
  simdjson::ondemand::object root_;
  FieldReader reader_;
};

template <class E>
void write_object(JsonWriter& w, const E& e) {
  w.begin_object();
  FieldWriter io(w);
  fields(io, e);
  w.end_object();
}

template <class E>
[[nodiscard]] std::string write(const E& e) {
  JsonWriter w;
  write_object(w, e);
  return std::move(w).str();
}

template <class E>
[[nodiscard]] Result<E> read(std::string_view text) {
  Document doc(text);
  E e{};
  fields(doc.reader(), e);
  if (!doc.ok()) return Error{Errc::data_loss, std::string(E::kType) + ": stored JSON does not decode"};
  return e;
}

}  // namespace json
}  // namespace bitacora::events
