// A raw TCP connection to the server, to behave as a slow, idle or malicious client would: send
// any bytes, read whatever comes back, see when the server closes it.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace bitacora::testing {

class RawConnection {
 public:
  // Connects to 127.0.0.1:port, from `local_address` when given (127.0.0.2 is another client).
  explicit RawConnection(std::uint16_t port, const std::string& local_address = {});
  void send(const std::string& bytes);
  // True when the server closes the connection within `deadline` (reads and discards any answer).
  [[nodiscard]] bool closed_by_server_within(std::chrono::milliseconds deadline);
  // Everything the server sends until it closes the connection or `deadline` passes.
  [[nodiscard]] std::string read_until_closed(std::chrono::milliseconds deadline);

 private:
  // One recv() of at most `size` bytes that waits no later than `until` (then -1, errno EAGAIN).
  ssize_t receive_until(std::chrono::steady_clock::time_point until, char* buf, std::size_t size);
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_{ioc_};
};

}  // namespace bitacora::testing
