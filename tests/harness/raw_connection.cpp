#include "tests/harness/raw_connection.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/write.hpp>

#include <cerrno>

namespace bitacora::testing {

namespace net = boost::asio;

RawConnection::RawConnection(std::uint16_t port, const std::string& local_address) {
  if (!local_address.empty()) {
    socket_.open(net::ip::tcp::v4());
    socket_.bind({net::ip::make_address(local_address), 0});
  }
  socket_.connect({net::ip::make_address("127.0.0.1"), port});
}

void RawConnection::send(const std::string& bytes) { net::write(socket_, net::buffer(bytes)); }

ssize_t RawConnection::receive_until(std::chrono::steady_clock::time_point until, char* buf, std::size_t size) {
  auto left = std::chrono::duration_cast<std::chrono::microseconds>(until - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    errno = EAGAIN;
    return -1;
  }
  ::timeval tv{static_cast<time_t>(left.count() / 1'000'000), static_cast<suseconds_t>(left.count() % 1'000'000)};
  ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return ::recv(socket_.native_handle(), buf, size, 0);
}

std::string RawConnection::read_until_closed(std::chrono::milliseconds deadline) {
  std::string out;
  const auto until = std::chrono::steady_clock::now() + deadline;
  char buf[4096];
  for (;;) {
    const ssize_t n = receive_until(until, buf, sizeof buf);
    if (n <= 0) return out;  // closed, reset, or the deadline passed
    out.append(buf, static_cast<std::size_t>(n));
  }
}

bool RawConnection::closed_by_server_within(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  char buf[4096];
  for (;;) {
    const ssize_t n = receive_until(until, buf, sizeof buf);
    if (n == 0) return true;                 // orderly close
    if (n < 0) return errno == ECONNRESET;   // EAGAIN: the deadline passed with it open
  }
}

}  // namespace bitacora::testing
