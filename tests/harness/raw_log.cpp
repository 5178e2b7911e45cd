#include "tests/harness/raw_log.hpp"

#include <rocksdb/db.h>

#include <catch2/catch.hpp>

#include "storage/keys.hpp"
#include "storage/log.hpp"

namespace bitacora::testing {
namespace {

void rewrite(const std::string& data_dir, storage::Family family, const std::string& key,
             const std::function<void(std::string&)>& change) {
  storage::LogOptions options;
  options.dir = data_dir;
  auto log = storage::EventLog::open(options);
  REQUIRE(log.ok());
  auto row = (*log)->get(family, key);
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  std::string bytes = **row;
  change(bytes);
  rocksdb::WriteOptions w;
  w.sync = true;
  REQUIRE((*log)->db()->Put(w, (*log)->handle(family), key, bytes).ok());
}

}  // namespace

void rewrite_event(const std::string& data_dir, std::uint64_t seq, const std::function<void(std::string&)>& change) {
  rewrite(data_dir, storage::Family::events, storage::keys::be64(seq), change);
}

void rewrite_snapshot(const std::string& data_dir, const std::string& stream, const std::function<void(std::string&)>& change) {
  rewrite(data_dir, storage::Family::snapshots, stream, change);
}

}  // namespace bitacora::testing
