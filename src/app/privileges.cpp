#include "privileges.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tlsdiag::app {

std::optional<PrivilegePlan> plan_privileges(uid_t euid, const std::string& current_user,
                                             const PrivilegeRequest& request, std::string& error) {
  PrivilegePlan plan;
  if (euid == 0) {
    if (request.user == "root") {
      if (!request.allow_root) {
        error = "refusing to parse packets as root (-Z root); give --allow-root if you mean it";
        return std::nullopt;
      }
      plan.stay_root = true;
    } else if (!request.user.empty()) {
      plan.switch_to = request.user;
    } else if (request.allow_root) {
      plan.stay_root = true;
    } else {
      plan.switch_to = kDefaultUser;
    }
    return plan;
  }
  if (!request.user.empty() && request.user != current_user) {
    error = "-Z " + request.user + " needs root (running as " +
            (current_user.empty() ? "uid " + std::to_string(euid) : current_user) + ")";
    return std::nullopt;
  }
  return plan;
}

namespace {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

std::optional<std::string> switch_user(const std::string& name) {
  errno = 0;
  const passwd* pw = getpwnam(name.c_str());
  if (pw == nullptr) return "-Z " + name + ": no such user";
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  // Groups first: once the user id changes, changing groups is no longer allowed.
  if (initgroups(name.c_str(), gid) != 0) return errno_text("initgroups");
  if (setgid(gid) != 0) return errno_text("setgid");
  if (setuid(uid) != 0) return errno_text("setuid");
  if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid)
    return "-Z " + name + ": the user switch did not take";
  if (uid != 0 && setuid(0) == 0) return "-Z " + name + ": root could be regained after the switch";
  return std::nullopt;
}

// Empties the effective, permitted and inheritable capability sets (file capabilities from
// setcap, or what root kept). Always allowed: a process may drop what it has.
std::optional<std::string> drop_capabilities() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capset, &header, data) != 0) return errno_text("capset");
  return std::nullopt;
}

}  // namespace

std::optional<std::string> apply_privileges(const PrivilegePlan& plan) {
  if (plan.switch_to) {
    if (auto error = switch_user(*plan.switch_to)) return error;
  }
  if (!plan.stay_root) {
    if (auto error = drop_capabilities()) return error;
    // No execve can grant anything back (setuid binaries, file capabilities).
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno_text("prctl(PR_SET_NO_NEW_PRIVS)");
    if (geteuid() == 0 || getuid() == 0) return "still root after dropping privileges; refusing to parse packets";
  }
  return std::nullopt;
}

std::string describe_identity() {
  const uid_t uid = geteuid();
  const passwd* pw = getpwuid(uid);
  const std::string name = pw != nullptr ? pw->pw_name : "?";
  return name + " (uid " + std::to_string(uid) + ")";
}

}  // namespace tlsdiag::app
