// Black-box: `bitacora backup` and `bitacora restore` on the real binary — an online backup taken
// while the server is under load restores to a log that audits clean and holds exactly the events
// the live log held up to the backup's sequence; a later backup is incremental and each backup
// restores to its own state; a stopped server's data dir is backed up too; restore refuses a
// non-empty directory.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include "tests/harness/cli.hpp"
#include "tests/harness/json.hpp"
#include "tests/harness/server_process.hpp"
#include "tests/harness/shop.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora::testing;

namespace {

struct Covered {
  std::uint64_t id = 0;
  std::uint64_t last_seq = 0;
  std::string chain_head;
};

// "backup <id>: events up to seq <n>, chain head <hex>", as backup and restore print it.
Covered covered(const CliRun& run) {
  static const std::regex line(R"(backup (\d+): events up to seq (\d+), chain head ([0-9a-f]{64}))");
  std::smatch m;
  const std::string text = run.text();
  INFO(text);
  REQUIRE(std::regex_search(text, m, line));
  return {std::stoull(m[1]), std::stoull(m[2]), m[3]};
}

// Writes events (product definitions, each an event) until stopped; counts the 200s.
class Load {
 public:
  explicit Load(std::uint16_t port) : thread_([this, port] {
      HttpClient c(port);
      for (int i = 0; !stop_; ++i) {
        auto r = c.put("/api/products/load-" + std::to_string(i % 50),
                       R"({"name":"Load","price_in_cents":100,"currency":"COP","stock":)" + std::to_string(i) + "}", as_admin());
        if (r.status == 200) ++acknowledged_;
      }
    }) {}
  ~Load() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  [[nodiscard]] int acknowledged() const { return acknowledged_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> acknowledged_{0};
  std::thread thread_;
};

// The export of a log, one event per line.
std::vector<std::string> exported(const std::string& data_dir) {
  auto run = run_cli("export --data-dir " + data_dir);
  REQUIRE(run.exit_code == 0);
  return run.lines;
}

}  // namespace

TEST_CASE("an online backup under load restores to an audit-clean log equal to the live one up to its seq",
          "[blackbox][backup]") {
  TempDir dir;
  const std::string data = dir.str("data"), backups = dir.str("backups");
  ServerProcess server(dir.str(), test_config(data));
  server.start();
  HttpClient c(server.port());
  Load load(server.port());
  REQUIRE(eventually([&] { return load.acknowledged() >= 200; }, std::chrono::seconds(30)));

  auto first = run_cli("backup --data-dir " + data + " --to " + backups, true);
  INFO(first.text());
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.text(), Catch::Matchers::Contains("from a checkpoint of the running server"));
  const Covered one = covered(first);
  CHECK(one.id == 1);
  CHECK(one.last_seq >= 200);
  // The server went on taking writes while it was backed up, and is still healthy.
  const int before = load.acknowledged();
  REQUIRE(eventually([&] { return load.acknowledged() >= before + 100; }, std::chrono::seconds(30)));
  auto second = run_cli("backup --data-dir " + data + " --to " + backups, true);
  INFO(second.text());
  REQUIRE(second.exit_code == 0);
  load.stop();
  const Covered two = covered(second);
  CHECK(two.id == 2);
  CHECK(two.last_seq > one.last_seq);
  CHECK(two.chain_head != one.chain_head);
  // The checkpoints the server cut were deleted once copied.
  CHECK(std::filesystem::is_empty(data + "/backup-checkpoints"));

  // Both backups are listed with what they cover.
  auto list = run_cli("backup --list --to " + backups);
  INFO(list.text());
  REQUIRE(list.exit_code == 0);
  REQUIRE(list.lines.size() == 3);
  CHECK_THAT(list.lines[1], Catch::Matchers::StartsWith("1 ") && Catch::Matchers::Contains(one.chain_head));
  CHECK_THAT(list.lines[2], Catch::Matchers::StartsWith("2 ") && Catch::Matchers::Contains(two.chain_head));

  const auto live = exported(data);
  REQUIRE(live.size() >= two.last_seq);
  for (const Covered& b : {one, two}) {
    const std::string restored = dir.str("restored-" + std::to_string(b.id));
    auto run = run_cli("restore --from " + backups + " --backup-id " + std::to_string(b.id) + " --to " + restored, true);
    INFO(run.text());
    REQUIRE(run.exit_code == 0);
    const Covered r = covered(run);
    CHECK(r.last_seq == b.last_seq);
    CHECK(r.chain_head == b.chain_head);
    auto audit = run_cli("audit --data-dir " + restored, true);
    INFO(audit.text());
    CHECK(audit.exit_code == 0);
    // Exactly the live log's events up to the backup's sequence: nothing lost, nothing torn.
    const auto events = exported(restored);
    REQUIRE(events.size() == b.last_seq);
    CHECK(std::equal(events.begin(), events.end(), live.begin()));
  }
}

TEST_CASE("a later backup copies only what is new, and restore without an id takes the newest", "[blackbox][backup]") {
  TempDir dir;
  const std::string data = dir.str("data"), backups = dir.str("backups");
  ServerProcess server(dir.str(), test_config(data));
  server.start();
  HttpClient c(server.port());
  for (int i = 0; i < 300; ++i) define_product(c, "sku-" + std::to_string(i), i);
  REQUIRE(run_cli("backup --data-dir " + data + " --to " + backups).exit_code == 0);
  const auto count_files = [&] {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(backups)) n += e.is_regular_file() ? 1 : 0;
    return n;
  };
  const std::size_t after_first = count_files();
  for (int i = 0; i < 50; ++i) define_product(c, "late-" + std::to_string(i), i);
  auto second = run_cli("backup --data-dir " + data + " --to " + backups);
  REQUIRE(second.exit_code == 0);
  const Covered two = covered(second);
  // The files of backup 1 that backup 2 shares were not copied again: it added fewer files than it has.
  static const std::regex files_line(R"((\d+) files,)");
  std::smatch m;
  const std::string text = second.text();
  REQUIRE(std::regex_search(text, m, files_line));
  CHECK(count_files() - after_first < std::stoull(m[1]));

  const std::string restored = dir.str("restored");
  auto run = run_cli("restore --from " + backups + " --to " + restored);
  REQUIRE(run.exit_code == 0);
  CHECK(covered(run).last_seq == two.last_seq);
  CHECK(run_cli("audit --data-dir " + restored).exit_code == 0);

  // The restored directory serves: the late products are there.
  std::filesystem::create_directories(dir.str("again-work"));
  ServerProcess again(dir.str("again-work"), test_config(restored));
  again.start();
  HttpClient d(again.port());
  CHECK(stock_of(d, "late-49").on_hand == 49);
}

TEST_CASE("a stopped server's data dir is backed up directly, and restore refuses a non-empty directory", "[blackbox][backup]") {
  TempDir dir;
  const std::string data = dir.str("data"), backups = dir.str("backups");
  {
    ServerProcess server(dir.str(), test_config(data));
    server.start();
    HttpClient c(server.port());
    define_product(c, "only", 3);
    REQUIRE(server.terminate() == 0);
  }
  // Every file of the data dir, with its size and time: the backup must write nothing there.
  const auto listing = [&] {
    std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>> files;
    for (const auto& e : std::filesystem::directory_iterator(data))
      files[e.path().filename().string()] = {e.is_regular_file() ? e.file_size() : 0, e.last_write_time()};
    return files;
  };
  const auto before = listing();
  auto made = run_cli("backup --data-dir " + data + " --to " + backups, true);
  INFO(made.text());
  REQUIRE(made.exit_code == 0);
  CHECK_THAT(made.text(), Catch::Matchers::Contains("from the stopped server's data dir"));
  CHECK(covered(made).last_seq >= 1);
  CHECK(listing() == before);
  const std::string restored = dir.str("restored");
  REQUIRE(run_cli("restore --from " + backups + " --to " + restored).exit_code == 0);
  CHECK(run_cli("audit --data-dir " + restored).exit_code == 0);

  // Into a non-empty directory: refused (2), and nothing in it touched.
  auto refused = run_cli("restore --from " + backups + " --to " + data, true);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.text(), Catch::Matchers::Contains("not empty"));
  // No such backup, no backups at all, no database: each a clear failure.
  CHECK(run_cli("restore --from " + backups + " --backup-id 7 --to " + dir.str("r7")).exit_code == 1);
  CHECK(run_cli("backup --list --to " + dir.str("nothing")).exit_code == 1);
  CHECK(run_cli("backup --data-dir " + dir.str("nothing") + " --to " + backups).exit_code == 2);
  CHECK(run_cli("backup --to " + backups).exit_code == 2);  // neither --data-dir nor --list
}

TEST_CASE("a backup file changed after it was written is caught on restore, and the restore leaves nothing behind",
          "[blackbox][backup]") {
  TempDir dir;
  const std::string data = dir.str("data"), backups = dir.str("backups");
  {
    ServerProcess server(dir.str(), test_config(data));
    server.start();
    HttpClient c(server.port());
    for (int i = 0; i < 20; ++i) define_product(c, "sku-" + std::to_string(i), i);
    REQUIRE(run_cli("backup --data-dir " + data + " --to " + backups).exit_code == 0);
  }
  // Flip a byte in the middle of the largest table file the backup shares.
  std::filesystem::path largest;
  for (const auto& e : std::filesystem::directory_iterator(backups + "/shared_checksum"))
    if (largest.empty() || e.file_size() > std::filesystem::file_size(largest)) largest = e.path();
  REQUIRE_FALSE(largest.empty());
  {
    std::fstream f(largest, std::ios::in | std::ios::out | std::ios::binary);
    const auto middle = static_cast<std::streamoff>(std::filesystem::file_size(largest) / 2);
    f.seekg(middle);
    const char byte = static_cast<char>(f.get());
    f.seekp(middle);
    f.put(static_cast<char>(byte ^ 0x5a));
  }
  const std::string restored = dir.str("restored");
  auto run = run_cli("restore --from " + backups + " --to " + restored, true);
  INFO(run.text());
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.text(), Catch::Matchers::Contains("nothing is left in"));
  CHECK_FALSE(std::filesystem::exists(restored));
}

TEST_CASE("a server that cannot open its control socket is not backed up from under it", "[blackbox][backup]") {
  TempDir dir;
  // A data dir whose socket path is longer than a Unix socket's 107 bytes: the server runs
  // without one (and says so), so the backup cannot ask it for a checkpoint.
  const std::string data = dir.str(std::string(120, 'd'));
  ServerProcess server(dir.str(), test_config(data));
  server.start();
  HttpClient c(server.port());
  define_product(c, "mug", 1);
  CHECK_THAT(server.log_tail(), Catch::Matchers::Contains("no control socket"));
  auto refused = run_cli("backup --data-dir " + data + " --to " + dir.str("backups"), true);
  INFO(refused.text());
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.text(), Catch::Matchers::Contains("is in use by a server that does not answer on its control socket"));
  CHECK_FALSE(std::filesystem::exists(dir.str("backups") + "/meta"));
}
