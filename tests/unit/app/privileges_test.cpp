// plan_privileges: who the process becomes before it parses a packet (tcpdump -Z's rules, plus
// refusing root unless asked).
#include "privileges.h"

#include <gtest/gtest.h>

namespace tlsdiag::app {
namespace {

TEST(PlanPrivileges, Table) {
  struct Case {
    const char* name;
    uid_t euid;
    const char* current;
    PrivilegeRequest request;
    std::optional<std::string> switch_to;
    bool stay_root;
    bool error;
  };
  const Case cases[] = {
      {"root, no -Z: nobody", 0, "root", {"", false}, "nobody", false, false},
      {"root, -Z tlsdiag", 0, "root", {"tlsdiag", false}, "tlsdiag", false, false},
      {"root, --allow-root", 0, "root", {"", true}, std::nullopt, true, false},
      {"root, -Z tlsdiag --allow-root", 0, "root", {"tlsdiag", true}, "tlsdiag", false, false},
      {"root, -Z root: refused", 0, "root", {"root", false}, std::nullopt, false, true},
      {"root, -Z root --allow-root", 0, "root", {"root", true}, std::nullopt, true, false},
      {"setcap user: stays, drops caps", 1000, "alice", {"", false}, std::nullopt, false, false},
      {"setcap user, -Z self", 1000, "alice", {"alice", false}, std::nullopt, false, false},
      {"setcap user, -Z other: refused", 1000, "alice", {"bob", false}, std::nullopt, false, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string error;
    const auto plan = plan_privileges(c.euid, c.current, c.request, error);
    if (c.error) {
      EXPECT_FALSE(plan);
      EXPECT_FALSE(error.empty());
      continue;
    }
    ASSERT_TRUE(plan) << error;
    EXPECT_EQ(plan->switch_to, c.switch_to);
    EXPECT_EQ(plan->stay_root, c.stay_root);
  }
}

}  // namespace
}  // namespace tlsdiag::app
