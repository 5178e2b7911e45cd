// The gateway API client verifies certificates: a TLS server whose certificate no trusted
// authority signed is refused, never talked to; one signed by an authority from `ca_file` is
// talked to. Real TLS over loopback (OpenSSL, Asio).
#include <catch2/catch.hpp>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <fstream>
#include <future>
#include <thread>

#include "http/gateways/api_client.hpp"
#include "tests/harness/temp_dir.hpp"

using namespace bitacora;
namespace net = boost::asio;

namespace {

// A fresh self-signed certificate for 127.0.0.1 (its subject's CN and an IP subjectAltName, which
// host-name verification of an address requires), as PEM (certificate, private key).
std::pair<std::string, std::string> self_signed() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);  // v3: it carries an extension
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
  X509_add_ext(cert, san, -1);
  X509_EXTENSION_free(san);
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

// A TLS server on 127.0.0.1 for one connection: it answers `{}` if the handshake succeeds.
class OneShotTlsServer {
 public:
  OneShotTlsServer(const std::string& cert, const std::string& key) : tls_(net::ssl::context::tls_server) {
    tls_.use_certificate_chain(net::buffer(cert));
    tls_.use_private_key(net::buffer(key), net::ssl::context::pem);
    thread_ = std::thread([this] {
      net::ip::tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return;
      net::ssl::stream<net::ip::tcp::socket> stream(std::move(socket), tls_);
      stream.handshake(net::ssl::stream_base::server, ec);
      if (ec) return;  // the client refused the certificate: nothing more to say
      std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
      net::write(stream, net::buffer(reply), ec);
      answered_ = true;
    });
  }
  ~OneShotTlsServer() { join(); }
  OneShotTlsServer(const OneShotTlsServer&) = delete;
  OneShotTlsServer& operator=(const OneShotTlsServer&) = delete;

  [[nodiscard]] std::string url() const {
    return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/v1/payments/1";
  }
  // Waits for the one connection to end; whether the server sent its answer.
  bool join() {
    if (thread_.joinable()) thread_.join();
    return answered_.load();
  }

 private:
  net::io_context ioc_;
  net::ssl::context tls_;
  net::ip::tcp::acceptor acceptor_{ioc_, {net::ip::make_address("127.0.0.1"), 0}};
  std::atomic<bool> answered_{false};
  std::thread thread_;
};

Result<http::gateways::ApiResponse> get(http::gateways::ApiClient& client, const std::string& url) {
  std::promise<Result<http::gateways::ApiResponse>> p;
  client.get(url, {}, [&](Result<http::gateways::ApiResponse> r) { p.set_value(std::move(r)); });
  return p.get_future().get();
}

}  // namespace

TEST_CASE("the API client refuses a TLS server whose certificate is not trusted", "[http][api_client][tls]") {
  auto [cert, key] = self_signed();
  OneShotTlsServer server(cert, key);
  http::gateways::ApiClient client(std::chrono::seconds(5));
  auto r = get(client, server.url());
  const bool answered = server.join();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::unavailable);
  CHECK(r.error().message.find("certificate verify failed") != std::string::npos);
  CHECK_FALSE(answered);
}

TEST_CASE("the API client talks to a TLS server whose authority comes from its ca_file", "[http][api_client][tls]") {
  auto [cert, key] = self_signed();
  testing::TempDir dir;
  std::ofstream(dir.str("ca.pem")) << cert;
  OneShotTlsServer server(cert, key);
  auto client = http::gateways::ApiClient::open({std::chrono::seconds(5), dir.str("ca.pem")});
  REQUIRE(client.ok());
  auto r = get(**client, server.url());
  CHECK(server.join());
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == "{}");
}

TEST_CASE("an API client whose ca_file is missing or holds no certificate is not made, and the error names the file",
          "[http][api_client][tls]") {
  testing::TempDir dir;
  std::ofstream(dir.str("not-pem.txt")) << "no certificate here\n";
  for (const auto& path : {dir.str("missing.pem"), dir.str("not-pem.txt")}) {
    auto client = http::gateways::ApiClient::open({std::chrono::seconds(5), path});
    REQUIRE_FALSE(client.ok());
    CHECK(client.error().code == Errc::invalid_argument);
    CHECK(client.error().message.find(path) != std::string::npos);
  }
}
