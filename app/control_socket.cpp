#include "app/control_socket.hpp"

#include <sys/stat.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>

#include "support/log.hpp"

namespace bitacora::app {

namespace net = boost::asio;
using local = net::local::stream_protocol;

namespace {
spdlog::logger& control_log() { return module_logger("control"); }
constexpr std::size_t kMaxRequestBytes = 64;
constexpr auto kRequestTimeout = std::chrono::seconds(5);
}  // namespace

struct ControlSocket::State : std::enable_shared_from_this<ControlSocket::State> {
  State(net::io_context& context, net::thread_pool& pool, const storage::EventLog& db, std::string dir)
      : io(context), blocking(pool), log(db), data_dir(std::move(dir)), acceptor(context) {}

  net::io_context& io;
  net::thread_pool& blocking;
  const storage::EventLog& log;
  std::string data_dir;
  std::string path;
  local::acceptor acceptor;
  std::atomic<std::uint64_t> cut{0};

  void accept() {
    acceptor.async_accept([self = shared_from_this()](boost::system::error_code ec, local::socket socket) {
      if (!self->acceptor.is_open()) return;
      if (!ec) self->serve(std::make_shared<local::socket>(std::move(socket)));
      self->accept();
    });
  }

  void serve(std::shared_ptr<local::socket> socket) {
    auto buffer = std::make_shared<net::streambuf>(kMaxRequestBytes);
    auto timer = std::make_shared<net::steady_timer>(io, kRequestTimeout);
    timer->async_wait([socket](boost::system::error_code ec) {
      if (ec) return;
      boost::system::error_code ignored;
      socket->close(ignored);
    });
    net::async_read_until(*socket, *buffer, '\n',
                          [self = shared_from_this(), socket, buffer, timer](boost::system::error_code ec, std::size_t n) {
                            timer->cancel();
                            if (ec) return answer(socket, "error expected one line: checkpoint");
                            std::string line(net::buffers_begin(buffer->data()), net::buffers_begin(buffer->data()) + n);
                            if (line != "checkpoint\n") return answer(socket, "error unknown request; expected: checkpoint");
                            self->checkpoint(socket);
                          });
  }

  void checkpoint(std::shared_ptr<local::socket> socket) {
    net::post(blocking, [self = shared_from_this(), socket] {
      const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      const std::string dir = self->data_dir + "/" + std::string(kCheckpointsDirName) + "/" + std::to_string(micros) + "-" +
                              std::to_string(self->cut.fetch_add(1));
      std::error_code ec;
      std::filesystem::create_directories(self->data_dir + "/" + std::string(kCheckpointsDirName), ec);
      auto made = ec ? Status(Error{Errc::unavailable, "cannot create the checkpoints directory: " + ec.message()})
                     : self->log.checkpoint(dir);
      std::string reply;
      if (made) {
        control_log().info("checkpoint cut for a backup: {}", dir);
        reply = "ok " + dir;
      } else {
        control_log().error("cannot cut a checkpoint for a backup: {}", made.error().message);
        reply = "error " + made.error().message;
      }
      net::post(self->io, [socket, reply = std::move(reply)] { answer(socket, reply); });
    });
  }

  static void answer(const std::shared_ptr<local::socket>& socket, std::string text) {
    auto line = std::make_shared<std::string>(std::move(text) + "\n");
    net::async_write(*socket, net::buffer(*line), [socket, line](boost::system::error_code, std::size_t) {
      boost::system::error_code ignored;
      socket->close(ignored);
    });
  }
};

Result<std::unique_ptr<ControlSocket>> ControlSocket::open(net::io_context& io, net::thread_pool& blocking,
                                                           const storage::EventLog& log, const std::string& data_dir) {
  auto state = std::make_shared<State>(io, blocking, log, data_dir);
  state->path = data_dir + "/" + std::string(kControlSocketName);
  std::error_code fs_ec;
  const auto leftovers = std::filesystem::path(data_dir) / std::string(kCheckpointsDirName);
  if (std::filesystem::exists(leftovers, fs_ec)) {
    std::filesystem::remove_all(leftovers, fs_ec);
    if (fs_ec) control_log().warn("cannot delete checkpoints left by an interrupted backup in {}: {}", leftovers.string(), fs_ec.message());
  }
  if (state->path.size() >= sizeof(sockaddr_un::sun_path))
    return Error{Errc::invalid_argument, "the control socket's path " + state->path + " is longer than a Unix socket's " +
                                             std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes"};
  ::unlink(state->path.c_str());
  boost::system::error_code ec;
  state->acceptor.open(local(), ec);
  if (!ec) state->acceptor.bind(local::endpoint(state->path), ec);
  // 0600: connecting takes write permission, which a umask of 022 or stricter withheld until now.
  if (!ec && ::chmod(state->path.c_str(), 0600) != 0) ec.assign(errno, boost::system::system_category());
  if (!ec) state->acceptor.listen(8, ec);
  if (ec) return Error{Errc::unavailable, "cannot listen on " + state->path + ": " + ec.message()};
  state->accept();
  return std::unique_ptr<ControlSocket>(new ControlSocket(std::move(state)));
}

void ControlSocket::close() {
  net::post(state_->io, [state = state_] {
    if (!state->acceptor.is_open()) return;
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    ::unlink(state->path.c_str());
  });
}

ControlSocket::~ControlSocket() {
  boost::system::error_code ignored;
  if (state_->acceptor.is_open()) {
    state_->acceptor.close(ignored);
    ::unlink(state_->path.c_str());
  }
}

}  // namespace bitacora::app
