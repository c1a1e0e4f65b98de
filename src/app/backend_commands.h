// SPDX-License-Identifier: GPL-3.0-or-later
//
// Commands that prepare the distributed backends (docs/cli.md): `sheaf kafka create-topics`
// (the design's topics with their partition counts, replication factor and min.insync.replicas)
// and `sheaf migrate` (the PostgreSQL schema, by versioned migrations). Both are idempotent, so
// a deployment runs them on every release (deploy/kubernetes/migrate-job.yaml).
//
// Exit status: 0 done; 1 it failed (the reason on stderr); 2 bad usage.
#ifndef SHEAF_APP_BACKEND_COMMANDS_H_
#define SHEAF_APP_BACKEND_COMMANDS_H_

#include <memory>
#include <optional>

namespace CLI {
class App;
}

namespace sheaf::app {

class BackendCommands {
 public:
  // Adds the commands to `app`, which must outlive this object.
  explicit BackendCommands(CLI::App& app);
  ~BackendCommands();
  BackendCommands(const BackendCommands&) = delete;
  BackendCommands& operator=(const BackendCommands&) = delete;

  // After `app` parsed the command line: runs the command given and returns its exit status,
  // or nullopt when the command line named none of these.
  std::optional<int> Run();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sheaf::app

#endif  // SHEAF_APP_BACKEND_COMMANDS_H_
