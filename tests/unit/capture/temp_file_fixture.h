#pragma once
// A test fixture that writes byte images to files in a temporary directory of its own.
#include <string>

#include <gtest/gtest.h>

#include "support/pcap_file_writer.h"

namespace tlsdiag::capture {

class TempFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const test::Bytes& bytes) {
    const auto path = dir_.file(name);
    test::write_file(path, bytes);
    return path.string();
  }
  test::TempDir dir_;
};

}  // namespace tlsdiag::capture
