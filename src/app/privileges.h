#pragma once
// Privilege dropping for live mode, as tcpdump -Z does: the capture device is opened with the
// privileges it needs, then, before the first packet is parsed, the process becomes an
// unprivileged user and gives up every capability, so a parser bug reachable from the network
// cannot act as root.
//
// plan_privileges() decides (pure, testable); apply_privileges() does it and checks the result.
//   started as root:  -Z USER -> USER;  no -Z -> nobody;  --allow-root (no -Z) -> stay root;
//                     -Z root without --allow-root -> refused
//   not root:         no -Z, or -Z naming the current user -> stay, dropping the capabilities
//                     (setcap cap_net_raw,cap_net_admin+eip); -Z another user -> refused
#include <sys/types.h>

#include <optional>
#include <string>

namespace tlsdiag::app {

struct PrivilegeRequest {
  std::string user;         // -Z; empty = the default
  bool allow_root = false;  // --allow-root
};

struct PrivilegePlan {
  std::optional<std::string> switch_to;  // user to become (initgroups, setgid, setuid)
  bool stay_root = false;                // root was asked for (--allow-root)
};

inline constexpr const char* kDefaultUser = "nobody";

// |current_user| is the name of the real user id (empty if unknown). Returns the plan, or sets
// |error| and returns nullopt.
std::optional<PrivilegePlan> plan_privileges(uid_t euid, const std::string& current_user,
                                             const PrivilegeRequest& request, std::string& error);

// Switches user (supplementary groups, group, user, in that order), drops every capability,
// sets no_new_privs, then checks that root cannot be regained. Returns the error, if any; the
// caller must then stop before parsing anything.
std::optional<std::string> apply_privileges(const PrivilegePlan& plan);

// "nobody (uid 65534)": who the process runs as now, for the start-up message.
std::string describe_identity();

}  // namespace tlsdiag::app
