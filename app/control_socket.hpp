// The control socket: a Unix socket in the data directory (`control.sock`, mode 0600) through
// which the `bitacora backup` command asks the server running on that directory to cut a
// checkpoint (docs/design.md "Backup and restore"). Who may use it is who may open a file in the
// data directory: the service's user, or root.
//
// Protocol: the client sends one line, `checkpoint`; the server answers one line, `ok <dir>`
// (a checkpoint it cut under <data dir>/backup-checkpoints/, which the client deletes once it has
// copied it) or `error <message>`. A request must arrive whole within 5 seconds and be at most 64
// bytes; anything else is answered `error` and the connection closed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "storage/log.hpp"
#include "support/result.hpp"

namespace bitacora::app {

inline constexpr std::string_view kControlSocketName = "control.sock";
inline constexpr std::string_view kCheckpointsDirName = "backup-checkpoints";

class ControlSocket {
 public:
  // Binds <data_dir>/control.sock, replacing a stale one (the caller holds the database's lock,
  // so no other server uses this directory), and deletes checkpoints an interrupted backup left.
  // Checkpoints are cut on `blocking`; connections are served on `io`.
  [[nodiscard]] static Result<std::unique_ptr<ControlSocket>> open(boost::asio::io_context& io,
                                                                   boost::asio::thread_pool& blocking,
                                                                   const storage::EventLog& log,
                                                                   const std::string& data_dir);
  ~ControlSocket();
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  // Stops accepting and removes the socket file. Any thread.
  void close();

  struct State;

 private:
  explicit ControlSocket(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace bitacora::app
