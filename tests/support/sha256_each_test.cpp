#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "support/crypto.hpp"

using namespace bitacora;

namespace {

std::vector<crypto::Digest> each(const std::vector<std::string>& messages) {
  std::vector<std::string_view> views(messages.begin(), messages.end());
  std::vector<crypto::Digest> out(messages.size());
  crypto::sha256_each(views, out);
  return out;
}

}  // namespace

TEST_CASE("sha256_each gives FIPS 180-4's digests", "[support][crypto]") {
  INFO("SHA extensions in use: " << crypto::sha_extensions());
  const auto d = each({"abc", "", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"});
  CHECK(crypto::hex(d[0]) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(crypto::hex(d[1]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(crypto::hex(d[2]) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("sha256_each agrees with sha256 at every length and pairing", "[support][crypto]") {
  INFO("SHA extensions in use: " << crypto::sha_extensions());
  // Every length from 0 to 300 bytes covers each way a message's padding falls (one tail block or
  // two, a whole block or none). Lengths are shuffled so that messages hashed side by side differ
  // in length, and so in how many blocks they take.
  std::mt19937 rng(20261123);
  std::vector<std::string> messages;
  for (std::size_t n = 0; n <= 300; ++n) {
    std::string m(n, '\0');
    for (auto& c : m) c = static_cast<char>(rng());
    messages.push_back(std::move(m));
  }
  std::shuffle(messages.begin(), messages.end(), rng);
  const auto d = each(messages);  // an odd count: the last one is hashed alone
  REQUIRE(d.size() == messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    INFO("message " << i << ", " << messages[i].size() << " bytes");
    CHECK(d[i] == crypto::sha256(messages[i]));
  }
  CHECK(each({}).empty());
}
