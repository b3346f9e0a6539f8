#include "tlsdiag/capture/link_types.h"

#include <gtest/gtest.h>

namespace tlsdiag::capture {
namespace {

TEST(LinkTypeName, NamesTheLinkTypesTheDecoderKnows) {
  const struct {
    int link_type;
    const char* name;
  } cases[] = {
      {link_type::kNull, "NULL"},          {link_type::kEthernet, "EN10MB"},
      {link_type::kDltRaw, "RAW"},         {link_type::kRaw, "RAW"},
      {link_type::kLoop, "LOOP"},          {link_type::kLinuxSll, "LINUX_SLL"},
      {link_type::kIpv4, "IPV4"},          {link_type::kIpv6, "IPV6"},
      {link_type::kLinuxSll2, "LINUX_SLL2"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.link_type);
    EXPECT_EQ(link_type_name(c.link_type), c.name);
  }
}

TEST(LinkTypeName, UnknownValueStillGetsAName) {
  EXPECT_EQ(link_type_name(65000), "LINKTYPE_65000");
}

}  // namespace
}  // namespace tlsdiag::capture
