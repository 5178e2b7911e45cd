#include "tests/harness/temp_dir.hpp"

#include <stdexcept>
#include <unistd.h>

namespace bitacora::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "bitacora-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace bitacora::testing
