#pragma once

namespace tlsdiag::app {

// `tlsdiag live -i IFACE [options]`; argv[0] is "live". Returns the exit status: 0 after a
// normal stop (signal, --count, --duration, a closed output pipe), 2 for usage errors, a device
// that cannot be opened, privileges that cannot be dropped, or a capture that broke.
int live_command(int argc, char** argv);

}  // namespace tlsdiag::app
