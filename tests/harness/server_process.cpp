#include "tests/harness/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/harness/cli.hpp"
#include "tests/harness/http_client.hpp"

extern char** environ;

namespace bitacora::testing {

ServerProcess::ServerProcess(std::string work_dir, std::string config_toml, std::vector<std::string> env)
    : work_dir_(std::move(work_dir)),
      config_path_(work_dir_ + "/bitacora.toml"),
      port_file_(work_dir_ + "/port"),
      log_path_(work_dir_ + "/server.log"),
      env_(std::move(env)) {
  std::ofstream(config_path_) << config_toml;
}

ServerProcess::~ServerProcess() {
  if (running()) kill_hard();
}

void ServerProcess::start(std::chrono::seconds deadline) {
  if (running()) throw std::logic_error("server already running");
  std::remove(port_file_.c_str());

  std::vector<std::string> args{bitacora_binary(), "serve", "--config", config_path_, "--port-file", port_file_};
  if (open_files_limit_ > 0) {
    const std::string n = std::to_string(open_files_limit_);
    args.insert(args.begin(), {"/usr/bin/prlimit", "--nofile=" + n + ":" + n, "--"});
  }
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "BITACORA_", 9) != 0) env.emplace_back(*e);
  env.insert(env.end(), env_.begin(), env_.end());
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error(std::string("posix_spawn: ") + std::strerror(rc));
  }

  bool up = eventually(
      [&] {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          throw std::runtime_error("bitacora exited during start-up:\n" + log_tail());
        }
        std::ifstream in(port_file_);
        unsigned port = 0;
        if (!(in >> port) || port == 0) return false;
        port_ = static_cast<std::uint16_t>(port);
        HttpClient c(port_, std::chrono::milliseconds(1000));
        return c.get("/health").status != 0;
      },
      deadline);
  if (!up) throw std::runtime_error("bitacora did not answer /health in time:\n" + log_tail());
}

void ServerProcess::kill_hard() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::terminate() {
  if (!running()) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ServerProcess::log_tail(std::size_t bytes) const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = ss.str();
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

std::uintmax_t ServerProcess::log_bytes() const {
  std::error_code ec;
  auto n = std::filesystem::file_size(log_path_, ec);
  return ec ? 0 : n;
}

double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command (which may hold spaces) start past its closing parenthesis; utime
  // and stime are the 14th and 15th fields, the 12th and 13th after it.
  auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

std::string test_config(const std::string& data_dir, const std::string& extra) {
  std::ostringstream t;
  t << "[server]\nlisten = \"127.0.0.1:0\"\nmax_body_bytes = 65536\n"
    << "[storage]\ndir = \"" << data_dir << "\"\n"
    << "[auth]\njwt_secret = \"test-jwt-secret\"\nadmin_token = \"" << secrets::admin_token << "\"\n"
    << "[wompi]\nevents_secret = \"" << secrets::wompi_events << "\"\nintegrity_secret = \"test_integrity\"\n"
    << "[mercadopago]\nwebhook_secret = \"" << secrets::mercadopago << "\"\naccess_token = \"TEST-token\"\n"
    << "api_base = \"http://127.0.0.1:9\"\n"
    << "[stripe]\nwebhook_secret = \"" << secrets::stripe << "\"\n"
    << "[standard_webhooks." << secrets::standard_source << "]\nsecret = \"" << secrets::standard << "\"\n"
    << "[log]\nlevel = \"warn\"\n"
    << extra;
  return t.str();
}

}  // namespace bitacora::testing
