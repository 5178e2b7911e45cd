// The gateway API client verifies certificates: a TLS server whose certificate no trusted
// authority signed is refused, never talked to. Real TLS over loopback (OpenSSL, Asio).
#include <catch2/catch.hpp>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <future>
#include <thread>

#include "http/gateways/api_client.hpp"

using namespace bitacora;
namespace net = boost::asio;

namespace {

// A fresh self-signed certificate for 127.0.0.1, as PEM (certificate, private key).
std::pair<std::string, std::string> self_signed() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  auto pem = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    return out;
  };
  auto cert_pem = pem([&](BIO* b) { PEM_write_bio_X509(b, cert); });
  auto key_pem = pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
  X509_free(cert);
  EVP_PKEY_free(key);
  return {cert_pem, key_pem};
}

}  // namespace

TEST_CASE("the API client refuses a TLS server whose certificate is not trusted", "[http][api_client][tls]") {
  auto [cert, key] = self_signed();
  net::io_context ioc;
  net::ssl::context tls(net::ssl::context::tls_server);
  tls.use_certificate_chain(net::buffer(cert));
  tls.use_private_key(net::buffer(key), net::ssl::context::pem);
  net::ip::tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  std::atomic<bool> answered{false};
  std::thread server([&] {
    net::ip::tcp::socket socket(ioc);
    boost::system::error_code ec;
    acceptor.accept(socket, ec);
    if (ec) return;
    net::ssl::stream<net::ip::tcp::socket> stream(std::move(socket), tls);
    stream.handshake(net::ssl::stream_base::server, ec);
    if (ec) return;  // the client refused the certificate: nothing more to say
    std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    net::write(stream, net::buffer(reply), ec);
    answered = true;
  });

  http::gateways::ApiClient client(std::chrono::seconds(5));
  std::promise<Result<http::gateways::ApiResponse>> p;
  client.get("https://127.0.0.1:" + std::to_string(port) + "/v1/payments/1", {},
             [&](Result<http::gateways::ApiResponse> r) { p.set_value(std::move(r)); });
  auto r = p.get_future().get();
  server.join();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::unavailable);
  CHECK(r.error().message.find("certificate verify failed") != std::string::npos);
  CHECK_FALSE(answered.load());
}
