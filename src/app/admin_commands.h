// SPDX-License-Identifier: GPL-3.0-or-later
//
// The administration commands (docs/cli.md): `sheaf tenant`, `sheaf key`, `sheaf audit` and
// `sheaf export replay`. They work on the metadata store of a data dir (--data-dir DIR, default
// $SHEAF_DATA_DIR or ./sheaf-data), safely while `sheaf serve` runs on it, and record their
// changes in its audit log as "cli:<user name>".
//
// Exit status: 0 done; 1 it failed (the reason on stderr), or `audit verify` found the log
// broken; 2 bad usage.
#ifndef SHEAF_APP_ADMIN_COMMANDS_H_
#define SHEAF_APP_ADMIN_COMMANDS_H_

#include <memory>
#include <optional>

namespace CLI {
class App;
}

namespace sheaf::app {

class AdminCommands {
 public:
  // Adds the commands to `app`, which must outlive this object.
  explicit AdminCommands(CLI::App& app);
  ~AdminCommands();
  AdminCommands(const AdminCommands&) = delete;
  AdminCommands& operator=(const AdminCommands&) = delete;

  // After `app` parsed the command line: runs the admin command given and returns its exit
  // status, or nullopt when the command line named none of them.
  std::optional<int> Run();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sheaf::app

#endif  // SHEAF_APP_ADMIN_COMMANDS_H_
