// SPDX-License-Identifier: GPL-3.0-or-later
//
// `sheaf backup` and `sheaf restore` (docs/operations.md, docs/cli.md): a data dir of the
// embedded service into a backup set and back (src/backup). Backup runs while `sheaf serve` runs;
// restore wants the service stopped, and after restoring re-queues the unfinished documents
// (src/service/requeue.h).
//
// Exit status: 0 done; 1 it failed (the reason on stderr: a damaged file is named); 2 bad usage.
#ifndef SHEAF_APP_BACKUP_COMMANDS_H_
#define SHEAF_APP_BACKUP_COMMANDS_H_

#include <memory>
#include <optional>

namespace CLI {
class App;
}

namespace sheaf::app {

class BackupCommands {
 public:
  // Adds the commands to `app`, which must outlive this object.
  explicit BackupCommands(CLI::App& app);
  ~BackupCommands();
  BackupCommands(const BackupCommands&) = delete;
  BackupCommands& operator=(const BackupCommands&) = delete;

  // After `app` parsed the command line: runs the command given and returns its exit status,
  // or nullopt when the command line named none of these.
  std::optional<int> Run();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sheaf::app

#endif  // SHEAF_APP_BACKUP_COMMANDS_H_
