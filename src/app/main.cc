// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/commands.h"
#include "app/composition.h"

int main(int argc, char** argv) {
  sheaf::app::ConfigureProcess(argv);
  return sheaf::app::RunCli(argc, argv);
}
