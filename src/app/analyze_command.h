#pragma once

namespace tlsdiag::app {

// `tlsdiag analyze [options] INPUT...`; argv[0] is "analyze". Returns the exit status:
// 0 no failed handshake, 1 at least one failed, 2 usage or input errors.
int analyze_command(int argc, char** argv);

}  // namespace tlsdiag::app
