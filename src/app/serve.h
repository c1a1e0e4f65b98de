// SPDX-License-Identifier: GPL-3.0-or-later
//
// `sheaf serve`: the composition of the service (stores, broker, pipeline, stage workers, HTTP
// API, webhook delivery) on embedded defaults under one data folder, and its settings: defaults,
// then a YAML config file, then SHEAF_* environment variables, then command-line flags - each
// overriding the one before (docs/service.md lists them).
#ifndef SHEAF_APP_SERVE_H_
#define SHEAF_APP_SERVE_H_

#include <map>
#include <string>

namespace CLI {
class App;
}

namespace sheaf::app {

// The flags of `sheaf serve`, registered on `cmd`; their values are kept as text until Run so
// that the config file and the environment can be applied beneath them.
class ServeCommand {
 public:
  // `worker`: the command is `sheaf worker` (role workers, --stage, probes on 127.0.0.1:9090).
  explicit ServeCommand(bool worker = false) : worker_(worker) {}
  void Add(CLI::App* cmd);
  int Run();

 private:
  bool worker_;
  CLI::App* cmd_ = nullptr;
  std::string config_file_;
  std::map<std::string, std::string> flags_;  // setting name -> value given on the command line
};

}  // namespace sheaf::app

#endif  // SHEAF_APP_SERVE_H_
