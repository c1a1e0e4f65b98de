// SPDX-License-Identifier: GPL-3.0-or-later
//
// The PostgreSQL metadata store's copy for `sheaf backup` and back for `sheaf restore`, by
// PostgreSQL's own tools (pg_dump and pg_restore, Debian's postgresql-client): a dump is one
// consistent snapshot of the database (pg_dump reads in one repeatable-read transaction), in the
// custom format, without owners or privileges so that it restores into another role's database.
// The password comes as for libpq: PGPASSWORD or the passfile, never the URL.
//
// Thread safety: each call runs its own child process.
#ifndef SHEAF_ADAPTERS_POSTGRES_PG_DUMP_H_
#define SHEAF_ADAPTERS_POSTGRES_PG_DUMP_H_

#include <string>

#include "sheaf/status.h"

namespace sheaf {

// Dumps the database `conninfo` names (only `schema` when not empty) into the new file `dest`.
// Errors: unavailable when pg_dump cannot reach the server (its message); not_found when pg_dump
// is not installed; io_error otherwise.
Status PgDump(const std::string& conninfo, const std::string& schema, const std::string& dest);

// OK iff `dump` is a dump pg_restore can read (its table of contents lists); invalid_document
// otherwise.
Status PgDumpCheck(const std::string& dump);

// Restores `dump` into the database `conninfo` names, in one transaction (on any error nothing
// is changed). With `replace`, the objects the dump holds are dropped first. Errors:
// invalid_argument when the database already holds them and `replace` is false; unavailable when
// the server cannot be reached; io_error otherwise (pg_restore's first error in the message).
Status PgRestore(const std::string& conninfo, const std::string& dump, bool replace);

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_POSTGRES_PG_DUMP_H_
