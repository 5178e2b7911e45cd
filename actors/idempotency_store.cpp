#include "actors/idempotency_store.hpp"

#include <future>

#include "storage/keys.hpp"
#include "support/crypto.hpp"

namespace bitacora::actors {
namespace {

constexpr char kFormat = 1;

void put_string(std::string& out, std::string_view s) {
  out += storage::keys::be64(s.size());
  out.append(s);
}

// Reads one length-prefixed string at `pos`, advancing it; nullopt when the bytes run out.
std::optional<std::string> take_string(std::string_view bytes, std::size_t& pos) {
  if (bytes.size() - pos < 8) return std::nullopt;
  auto n = storage::keys::read_be64(bytes.substr(pos, 8));
  pos += 8;
  if (!n || *n > bytes.size() - pos) return std::nullopt;
  std::string s(bytes.substr(pos, *n));
  pos += *n;
  return s;
}

std::optional<std::uint64_t> take_u64(std::string_view bytes, std::size_t& pos) {
  if (bytes.size() - pos < 8) return std::nullopt;
  auto n = storage::keys::read_be64(bytes.substr(pos, 8));
  pos += 8;
  return n;
}

}  // namespace

std::string encode_answer(const StoredAnswer& a) {
  std::string out(1, kFormat);
  out += storage::keys::be64(static_cast<std::uint64_t>(a.at));
  out += storage::keys::be64(a.status);
  put_string(out, a.fingerprint);
  out += storage::keys::be64(a.headers.size());
  for (const auto& [name, value] : a.headers) {
    put_string(out, name);
    put_string(out, value);
  }
  put_string(out, a.body);
  return out;
}

std::optional<StoredAnswer> decode_answer(std::string_view bytes) {
  if (bytes.empty() || bytes[0] != kFormat) return std::nullopt;
  std::size_t pos = 1;
  StoredAnswer a;
  auto at = take_u64(bytes, pos);
  auto status = take_u64(bytes, pos);
  auto fingerprint = take_string(bytes, pos);
  auto headers = take_u64(bytes, pos);
  if (!at || !status || *status > 999 || !fingerprint || !headers || *headers > 16) return std::nullopt;
  a.at = static_cast<Micros>(*at);
  a.status = static_cast<unsigned>(*status);
  a.fingerprint = std::move(*fingerprint);
  for (std::uint64_t i = 0; i < *headers; ++i) {
    auto name = take_string(bytes, pos);
    auto value = take_string(bytes, pos);
    if (!name || !value) return std::nullopt;
    a.headers.emplace_back(std::move(*name), std::move(*value));
  }
  auto body = take_string(bytes, pos);
  if (!body || pos != bytes.size()) return std::nullopt;
  a.body = std::move(*body);
  return a;
}

IdempotencyStore::IdempotencyStore(storage::EventLog& log, storage::LogWriter& writer, const Clock& clock, Micros ttl)
    : log_(log), writer_(writer), clock_(clock), ttl_(ttl) {}

std::string IdempotencyStore::row_key(std::string_view scope, std::string_view key) {
  std::string text = storage::keys::be64(scope.size());  // length first: no two pairs spell the same text
  text.append(scope).append(key);
  return crypto::sha256_bytes(text);
}

Result<std::optional<StoredAnswer>> IdempotencyStore::find(const std::string& row) const {
  auto raw = log_.get(storage::Family::idempotency, row);
  if (!raw) return raw.error();
  if (!raw->has_value()) return std::optional<StoredAnswer>();
  auto answer = decode_answer(**raw);
  if (!answer || answer->at + ttl_ <= clock_.now_us()) return std::optional<StoredAnswer>();
  return answer;
}

void IdempotencyStore::save(const std::string& row, StoredAnswer answer, std::function<void(Status)> done) {
  storage::AppendRequest req;
  req.index_puts.push_back({storage::Index::idempotency, row, encode_answer(answer)});
  writer_.append(std::move(req), [done = std::move(done)](Result<storage::AppendOutcome> r) {
    if (!r) return done(r.error());
    done(ok_status());
  });
}

Result<std::size_t> IdempotencyStore::sweep(std::size_t max_rows) {
  const Micros now = clock_.now_us();
  std::vector<std::string> expired;
  auto s = log_.scan(storage::Family::idempotency, std::nullopt, false, [&](std::string_view key, std::string_view value) {
    auto a = decode_answer(value);
    if (!a || a->at + ttl_ <= now) expired.emplace_back(key);
    return expired.size() < max_rows;
  });
  if (!s) return s.error();
  if (expired.empty()) return std::size_t{0};
  storage::AppendRequest req;
  for (auto& key : expired) req.index_deletes.emplace_back(storage::Index::idempotency, std::move(key));
  const std::size_t n = req.index_deletes.size();
  std::promise<Status> written;
  auto future = written.get_future();
  writer_.append(std::move(req), [&written](Result<storage::AppendOutcome> r) {
    written.set_value(r ? ok_status() : Status(r.error()));
  });
  auto result = future.get();
  if (!result) return result.error();
  return n;
}

}  // namespace bitacora::actors
