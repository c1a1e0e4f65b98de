// SPDX-License-Identifier: GPL-3.0-or-later
//
// After a restore (src/backup): the documents the restored metadata shows unfinished go back on
// their lanes. A backup's metadata and queue are copies taken one after the other, so a document
// may be `processing` in the one while its last message was already acknowledged in the other
// (or the queue was not in the backup at all); without a message nothing would move it again.
// A document that does still have its message gets a second one: the stages are idempotent and
// the final write applies once (docs/service.md), so the duplicate costs work, never a result.
#ifndef SHEAF_SERVICE_REQUEUE_H_
#define SHEAF_SERVICE_REQUEUE_H_

#include <cstdint>

#include "sheaf/broker.h"
#include "sheaf/metadata_store.h"
#include "sheaf/status.h"

namespace sheaf {

// Publishes the lane message (the claim check {"tenant_id", "document_id"}) of every queued or
// processing document of every tenant. Returns how many were published; the first error of the
// store or the broker otherwise (what was published stays published: calling again is safe).
Result<std::int64_t> RequeueUnfinished(MetadataStore& metadata, Broker& broker);

}  // namespace sheaf

#endif  // SHEAF_SERVICE_REQUEUE_H_
