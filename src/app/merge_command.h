#pragma once

namespace tlsdiag::app {

// `tlsdiag merge [options] REPORT.json...`; argv[0] is "merge". Returns the exit status: that of
// `analyze` over all the reports' inputs (0 no failed handshake, 1 at least one failed, 2 an input
// had an error), or 2 for usage errors and reports it cannot read or merge.
int merge_command(int argc, char** argv);

}  // namespace tlsdiag::app
