// SPDX-License-Identifier: GPL-3.0-or-later
//
// The PostgreSQL metadata schema, versioned: migration N (0001, 0002, ...) takes the schema from
// version N-1 to N. Applied versions are rows of `schema_migrations`. Migrate applies the
// missing ones in order, each in one transaction with its row, while holding an advisory lock
// (per schema), so two processes migrating at once apply each migration once. Append only:
// never edit a migration that has shipped.
#ifndef SHEAF_ADAPTERS_POSTGRES_MIGRATIONS_H_
#define SHEAF_ADAPTERS_POSTGRES_MIGRATIONS_H_

#include <cstdint>
#include <string>

#include "sheaf/status.h"

namespace sheaf::pg {

class Conn;

// The version this Sheaf's PostgreSQL store needs (the last migration's number).
int LatestSchemaVersion();

struct MigrationReport {
  int from = 0;  // the version found
  int to = 0;    // the version left
};

// Brings the schema `schema` ("" = the connection's default, usually public; created when
// missing) of the database at `conninfo` to LatestSchemaVersion(). This is `sheaf migrate`.
// Errors: invalid_argument for a bad conninfo (one with a password included) or schema name;
// unavailable when the server cannot be reached; io_error when a migration fails (that
// migration is rolled back; those before it stay) or the schema is newer than this Sheaf.
Result<MigrationReport> Migrate(const std::string& conninfo, const std::string& schema = "");

// The version of the schema `conn` uses: 0 when it has no schema_migrations table.
Result<int> SchemaVersion(Conn& conn);

// invalid_argument unless `schema` is "" or 1-63 of [a-z0-9_] starting with a letter or '_'
// (so it needs no quoting anywhere).
Status CheckSchemaName(const std::string& schema);

}  // namespace sheaf::pg

#endif  // SHEAF_ADAPTERS_POSTGRES_MIGRATIONS_H_
