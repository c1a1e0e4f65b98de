// SPDX-License-Identifier: GPL-3.0-or-later
#ifndef SHEAF_APP_COMMANDS_H_
#define SHEAF_APP_COMMANDS_H_

namespace sheaf::app {

// Runs the `sheaf` command line (docs/cli.md). Returns the process exit status: 0 success,
// 1 when an input failed, 2 on bad usage.
int RunCli(int argc, char** argv);

}  // namespace sheaf::app

#endif  // SHEAF_APP_COMMANDS_H_
