#include "http/idempotency.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

#include "http/auth.hpp"
#include "support/crypto.hpp"
#include "support/log.hpp"

namespace bitacora::http {
namespace {

spdlog::logger& log() { return module_logger("http"); }

constexpr Micros kSweepEvery = 3600LL * 1'000'000;  // expired answers are deleted about hourly

// Who the key belongs to: "operator:<name>" or "user:<id>"; empty when the request is not
// authenticated (its handler answers that).
std::string scope_of(const Request& req, const AuthOptions& auth, std::int64_t now_s) {
  auto who = authenticate(req, auth, now_s, true);
  auto* caller = std::get_if<Caller>(&who);
  if (!caller) return {};
  return caller->admin ? "operator:" + caller->operator_name : "user:" + caller->user;
}

std::string fingerprint_of(const Request& req) {
  std::string text(req.method_string());
  text += ' ';
  text.append(req.target());
  text += '\n';
  text.append(req.body());
  return crypto::sha256_hex(text);
}

// What of an answer is kept: its status, body and the headers a client acts on.
actors::StoredAnswer stored_from(const Response& res, std::string fingerprint, Micros now) {
  actors::StoredAnswer a;
  a.fingerprint = std::move(fingerprint);
  a.at = now;
  a.status = res.result_int();
  for (auto field : {bhttp::field::content_type, bhttp::field::etag, bhttp::field::location}) {
    if (auto it = res.find(field); it != res.end()) a.headers.emplace_back(std::string(it->name_string()), std::string(it->value()));
  }
  a.body = res.body();
  return a;
}

Response replayed(const actors::StoredAnswer& a) {
  Response res{static_cast<bhttp::status>(a.status), 11};
  for (const auto& [name, value] : a.headers) res.set(name, value);
  res.set("Idempotent-Replayed", "true");
  res.body() = a.body;
  res.prepare_payload();
  return res;
}

Response reused() {
  return error_response(bhttp::status::unprocessable_entity, "idempotency_key_reused",
                        "this Idempotency-Key was used for a different request (method, path or body); use a new key");
}

}  // namespace

bool valid_idempotency_key(std::string_view key) {
  return !key.empty() && key.size() <= kMaxIdempotencyKey &&
         std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

Idempotency::Idempotency(actors::IdempotencyStore& store, const AuthOptions& auth, boost::asio::thread_pool& blocking)
    : store_(store), auth_(auth), blocking_(blocking) {}

Handler Idempotency::wrap(Handler inner) {
  return [self = shared_from_this(), inner = std::move(inner)](const Request& req, const RouteParams& params, Respond respond) {
    self->handle(inner, req, params, std::move(respond));
  };
}

void Idempotency::handle(const Handler& inner, const Request& req, const RouteParams& params, Respond respond) {
  auto header = req.find("Idempotency-Key");
  if (header == req.end()) return inner(req, params, std::move(respond));
  const std::string_view key = header->value();
  if (!valid_idempotency_key(key))
    return respond(error_response(bhttp::status::bad_request, "invalid_request",
                                  "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good one)",
                                  json_member("field", "Idempotency-Key")));
  const std::string scope = scope_of(req, auth_, store_.clock().now_s());
  if (scope.empty()) return inner(req, params, std::move(respond));
  std::string row = actors::IdempotencyStore::row_key(scope, key);
  std::string fingerprint = fingerprint_of(req);
  {
    std::lock_guard lock(mu_);
    if (auto it = in_flight_.find(row); it != in_flight_.end()) {
      it->second.waiters.push_back({std::move(fingerprint), std::move(respond)});
      return;
    }
    in_flight_.emplace(row, Flight{fingerprint, {}});
  }
  // The stored answer, if any, is read on the blocking pool; the request stays valid until it
  // is answered (message.hpp), and it is answered only after that read.
  boost::asio::post(blocking_, [self = shared_from_this(), &inner, &req, params, row = std::move(row),
                                fingerprint = std::move(fingerprint), respond = std::move(respond)]() mutable {
    auto found = self->store_.find(row);
    if (!found) {
      log().error("reading an Idempotency-Key's answer failed: {}", found.error().message);
      Response unavailable = storage_response();
      actors::StoredAnswer nothing = stored_from(unavailable, fingerprint, 0);
      return self->land(row, nothing, std::move(unavailable), std::move(respond));
    }
    if (*found) {
      const auto& earlier = **found;
      Response answer = earlier.fingerprint == fingerprint ? replayed(earlier) : reused();
      return self->land(row, earlier, std::move(answer), std::move(respond));
    }
    self->run_first(inner, req, params, row, fingerprint, std::move(respond));
  });
}

void Idempotency::run_first(const Handler& inner, const Request& req, const RouteParams& params, const std::string& row,
                            const std::string& fingerprint, Respond respond) {
  inner(req, params, [self = shared_from_this(), row, fingerprint, respond = std::move(respond)](Response res) mutable {
    auto answer = stored_from(res, fingerprint, self->store_.clock().now_us());
    if (res.result_int() >= 500) return self->land(row, answer, std::move(res), std::move(respond));  // not kept: retry
    // Kept before it is sent: a client that got this answer can count on getting it again.
    self->store_.save(row, answer, [self, row, answer, res = std::move(res), respond = std::move(respond)](Status saved) mutable {
      // The effect is durable whether or not its answer could be kept: the answer is sent either
      // way (a 503 would invite a retry, which, with nothing kept, would act again).
      if (!saved) log().error("keeping an Idempotency-Key's answer failed: {}", saved.error().message);
      self->land(row, answer, std::move(res), std::move(respond));
      self->maybe_sweep();
    });
  });
}

void Idempotency::land(const std::string& row, const actors::StoredAnswer& answer, Response first, Respond respond) {
  std::vector<Waiter> waiters;
  {
    std::lock_guard lock(mu_);
    if (auto it = in_flight_.find(row); it != in_flight_.end()) {
      waiters = std::move(it->second.waiters);
      in_flight_.erase(it);
    }
  }
  const bool kept = answer.status > 0 && answer.status < 500 && first.result_int() < 500;
  for (auto& w : waiters) {
    if (w.fingerprint != answer.fingerprint) w.respond(reused());
    else if (kept) w.respond(replayed(answer));
    else w.respond(storage_response());  // the first failed and nothing was kept: the repeat may retry
  }
  respond(std::move(first));
}

void Idempotency::maybe_sweep() {
  const Micros now = store_.clock().now_us();
  Micros last = last_sweep_.load();
  if (now - last < kSweepEvery || !last_sweep_.compare_exchange_strong(last, now)) return;
  boost::asio::post(blocking_, [self = shared_from_this()] {
    auto swept = self->store_.sweep();
    if (!swept) log().warn("deleting expired Idempotency-Key answers failed: {}", swept.error().message);
    else if (*swept > 0) log().info("deleted {} expired Idempotency-Key answers", *swept);
  });
}

}  // namespace bitacora::http
