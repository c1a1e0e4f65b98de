// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/postgres/pg_dump.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace sheaf {

namespace {

struct Run {
  int exit_status = -1;  // -1: it could not be started
  std::string output;    // stderr and stdout, the last 8 KiB
};

// Runs `argv` (searched in PATH) with stdin from /dev/null, collecting its output.
Run RunTool(const std::vector<std::string>& argv) {
  Run run;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    run.output = std::string("pipe: ") + std::strerror(errno);
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    run.output = argv[0] + ": " + std::strerror(rc);
    run.exit_status = rc == ENOENT ? -2 : -1;
    return run;
  }
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.output.append(buf, static_cast<std::size_t>(n));
    if (run.output.size() > 8192) run.output.erase(0, run.output.size() - 8192);
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  while (!run.output.empty() && (run.output.back() == '\n' || run.output.back() == ' ')) {
    run.output.pop_back();
  }
  return run;
}

// The tool's failure as a Status: a server out of reach is unavailable.
Status Failed(const std::string& tool, const Run& run) {
  if (run.exit_status == -2) {
    return Status(ErrorCode::kNotFound,
                  tool + " is not installed (Debian: postgresql-client): " + run.output);
  }
  const bool unreachable = run.output.find("could not connect") != std::string::npos ||
                           run.output.find("connection to server") != std::string::npos;
  return Status(unreachable ? ErrorCode::kUnavailable : ErrorCode::kIoError,
                tool + " failed (exit " + std::to_string(run.exit_status) + "): " + run.output);
}

}  // namespace

Status PgDump(const std::string& conninfo, const std::string& schema, const std::string& dest) {
  std::vector<std::string> argv = {"pg_dump",       "--format=custom", "--no-owner",
                                   "--no-privileges", "--file=" + dest};
  if (!schema.empty()) argv.push_back("--schema=" + schema);
  argv.push_back("--dbname=" + conninfo);
  const Run run = RunTool(argv);
  if (run.exit_status != 0) {
    ::unlink(dest.c_str());
    return Failed("pg_dump", run);
  }
  return Status::Ok();
}

Status PgDumpCheck(const std::string& dump) {
  const Run run = RunTool({"pg_restore", "--list", dump});
  if (run.exit_status == 0) return Status::Ok();
  if (run.exit_status == -2) return Failed("pg_restore", run);
  return Status(ErrorCode::kInvalidDocument, dump + ": not a readable pg_dump archive: " + run.output);
}

Status PgRestore(const std::string& conninfo, const std::string& dump, bool replace) {
  std::vector<std::string> argv = {"pg_restore",     "--no-owner",         "--no-privileges",
                                   "--exit-on-error", "--single-transaction"};
  if (replace) {
    argv.push_back("--clean");
    argv.push_back("--if-exists");
  }
  argv.push_back("--dbname=" + conninfo);
  argv.push_back(dump);
  const Run run = RunTool(argv);
  if (run.exit_status == 0) return Status::Ok();
  if (!replace && run.output.find("already exists") != std::string::npos) {
    return Status(ErrorCode::kInvalidArgument,
                  "the database already holds Sheaf's tables (pg_restore: " + run.output +
                      "): restore into an empty database or schema, or pass --force to replace "
                      "them");
  }
  return Failed("pg_restore", run);
}

}  // namespace sheaf
