#pragma once

namespace tlsdiag::app {

// `tlsdiag whatif --min-version V [--ciphers LIST] [--server S]... INPUT...`; argv[0] is "whatif".
// Returns the exit status: 0 no client would break, 1 at least one would, 2 usage or input errors.
int whatif_command(int argc, char** argv);

}  // namespace tlsdiag::app
