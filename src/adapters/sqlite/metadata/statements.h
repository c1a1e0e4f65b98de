// SPDX-License-Identifier: GPL-3.0-or-later
//
// The SQLite MetadataStore's SQL (internal to src/adapters/sqlite). Inline variables: one
// address per statement in the whole program, which is how SqlConn finds a prepared statement.
#ifndef SHEAF_ADAPTERS_SQLITE_METADATA_STATEMENTS_H_
#define SHEAF_ADAPTERS_SQLITE_METADATA_STATEMENTS_H_

namespace sheaf::sqlite_meta {

// ---------------------------------------------------------------------------------------------
// SQL. Every statement is prepared once per connection (SqlConn::PrepareAll) and found again by
// its address.

#define SHEAF_DOCUMENT_COLUMNS(result)                                                          \
  "id, tenant, status, priority, type_hint, doc_type, webhook_url, metadata, idempotency_key, " \
  "source_name, content_type, size, sha256, blob_key, created_at, updated_at, stages, " result  \
  ", error"
#define SHEAF_WEBHOOK_COLUMNS                                                             \
  "event_id, tenant, document_id, url, event_type, body, state, attempts, window_start, " \
  "next_attempt_at, last_error, created_at, updated_at"
#define SHEAF_AUDIT_COLUMNS "seq, at, actor, action, tenant, document_id, details, prev_hash, hash"
#define SHEAF_KEY_COLUMNS "key_id, tenant, salt, hash, created_at, revoked_at"

#define SHEAF_TENANT_COLUMNS "id, name, created_at, webhook_secret, default_webhook_url"

inline constexpr char kInsertTenant[] =
    "INSERT INTO tenants (" SHEAF_TENANT_COLUMNS ", pending) VALUES (?1, ?2, ?3, ?4, '', 0)";
inline constexpr char kTenantById[] = "SELECT " SHEAF_TENANT_COLUMNS ", pending FROM tenants WHERE id = ?1";
inline constexpr char kTenantByName[] = "SELECT " SHEAF_TENANT_COLUMNS ", pending FROM tenants WHERE name = ?1";
inline constexpr char kTenants[] = "SELECT " SHEAF_TENANT_COLUMNS ", pending FROM tenants ORDER BY name";
inline constexpr char kSetTenantWebhook[] = "UPDATE tenants SET default_webhook_url = ?2 WHERE id = ?1";
inline constexpr char kSetTenantSecret[] = "UPDATE tenants SET webhook_secret = ?2 WHERE id = ?1";
inline constexpr char kTenantPending[] = "SELECT pending FROM tenants WHERE id = ?1";
inline constexpr char kCountByStatus[] = "SELECT status, n FROM document_counts WHERE n > 0";

inline constexpr char kInsertKey[] =
    "INSERT INTO api_keys (" SHEAF_KEY_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, 0)";
inline constexpr char kKeyById[] = "SELECT " SHEAF_KEY_COLUMNS " FROM api_keys WHERE key_id = ?1";
inline constexpr char kKeysOfTenant[] =
    "SELECT " SHEAF_KEY_COLUMNS " FROM api_keys WHERE tenant = ?1 ORDER BY created_at, key_id";
inline constexpr char kRevokeKey[] =
    "UPDATE api_keys SET revoked_at = ?2 WHERE key_id = ?1 AND revoked_at = 0";

inline constexpr char kInsertDocument[] =
    "INSERT INTO documents (" SHEAF_DOCUMENT_COLUMNS("result") ") VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";
inline constexpr char kDocumentById[] =
    "SELECT " SHEAF_DOCUMENT_COLUMNS("result") " FROM documents WHERE id = ?1 AND tenant = ?2";
inline constexpr char kDocumentByKey[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "result") " FROM documents WHERE tenant = ?1 AND idempotency_key = ?2"
              " AND idempotency_key <> ''";
// ?3 status, ?4 type, ?5 reset stages, ?6 stage path or NULL, ?7 stage JSON, ?8 set result,
// ?9 result or NULL, ?10 error, ?11 now. NULL leaves a column as it is.
inline constexpr char kUpdateDocument[] =
    "UPDATE documents SET status = COALESCE(?3, status), doc_type = COALESCE(?4, doc_type),"
    " stages = CASE WHEN ?6 IS NULL THEN (CASE WHEN ?5 THEN '{}' ELSE stages END)"
    "   ELSE json_set(CASE WHEN ?5 THEN '{}' ELSE stages END, ?6, json(?7)) END,"
    " result = CASE WHEN ?8 THEN ?9 ELSE result END, error = COALESCE(?10, error),"
    " updated_at = ?11, sender = COALESCE(?12, sender) WHERE id = ?1 AND tenant = ?2";
inline constexpr char kSetReviewed[] =
    "UPDATE documents SET status = ?3, result = COALESCE(?4, result), updated_at = ?5,"
    " doc_type = COALESCE(?6, doc_type),"
    " review_claimed_by = '', review_claim_expires_at = 0 WHERE id = ?1 AND tenant = ?2";
inline constexpr char kReviewHold[] =
    "SELECT status, review_claimed_by, review_claim_expires_at FROM documents"
    " WHERE id = ?1 AND tenant = ?2";
// ?1 tenant, ?2 reviewer, ?3 now, ?4 hold until, ?5 max. The writer holds the database, so
// selecting and updating in one statement is the whole claim.
inline constexpr char kClaimReview[] =
    "UPDATE documents SET review_claimed_by = ?2, review_claim_expires_at = ?4 WHERE seq IN"
    " (SELECT seq FROM documents WHERE tenant = ?1 AND status = 'needs_review'"
    "  AND (review_claim_expires_at <= ?3 OR review_claimed_by = ?2)"
    "  ORDER BY priority, seq LIMIT ?5)"
    " RETURNING " SHEAF_DOCUMENT_COLUMNS("result") ", seq, review_claimed_by,"
    " review_claim_expires_at";
// ?1 id, ?2 tenant, ?3 reviewer, ?4 hold until (checked claimable in the same transaction).
inline constexpr char kClaimOneReview[] =
    "UPDATE documents SET review_claimed_by = ?3, review_claim_expires_at = ?4"
    " WHERE id = ?1 AND tenant = ?2"
    " RETURNING " SHEAF_DOCUMENT_COLUMNS("result") ", seq, review_claimed_by,"
    " review_claim_expires_at";
inline constexpr char kReleaseReview[] =
    "UPDATE documents SET review_claimed_by = '', review_claim_expires_at = 0"
    " WHERE id = ?1 AND tenant = ?2";
inline constexpr char kDeleteDocument[] = "DELETE FROM documents WHERE id = ?1 AND tenant = ?2";
inline constexpr char kDeleteCorrectionsOf[] =
    "DELETE FROM corrections WHERE document_id = ?1 AND tenant = ?2";
inline constexpr char kDeleteWebhooksOf[] =
    "DELETE FROM webhook_events WHERE document_id = ?1 AND tenant = ?2";
// Listing: newest first, keyset on seq. Results are left out (NULL). seq is the last column.
inline constexpr char kListAll[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?5";
inline constexpr char kListStatus[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = ?1 AND seq < ?2 AND status = ?3"
            " ORDER BY seq DESC LIMIT ?5";
inline constexpr char kListType[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = ?1 AND seq < ?2 AND doc_type = ?4"
            " ORDER BY seq DESC LIMIT ?5";
inline constexpr char kListStatusType[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = ?1 AND seq < ?2 AND status = ?3"
            " AND doc_type = ?4 ORDER BY seq DESC LIMIT ?5";
// One sender's documents (index documents_sender); ?3 and ?4 are NULL for any status or type.
inline constexpr char kListSender[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = ?1 AND sender = ?6 AND seq < ?2"
            " AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR doc_type = ?4)"
            " ORDER BY seq DESC LIMIT ?5";
// The review queue carries results: a reviewer needs the fields, and one query serves the page.
inline constexpr char kReviewQueue[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "result") ", seq, review_claimed_by, review_claim_expires_at FROM documents"
              " WHERE tenant = ?1 AND status = 'needs_review' AND (priority, seq) > (?2, ?3)"
              " ORDER BY priority, seq LIMIT ?4";

// Training data: completed documents a person approved or corrected (index
// corrections_document answers the EXISTS), newest first.
inline constexpr char kReviewedDocuments[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") " FROM documents d WHERE d.tenant = ?1 AND d.status = 'completed' AND EXISTS"
            " (SELECT 1 FROM corrections c WHERE c.document_id = d.id AND c.tenant = d.tenant"
            "  AND c.action IN ('approve', 'correct')) ORDER BY d.seq DESC LIMIT ?2";
inline constexpr char kInsertCorrection[] =
    "INSERT INTO corrections (document_id, tenant, reviewer, action, fields, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
inline constexpr char kCorrectionsOf[] =
    "SELECT id, document_id, tenant, reviewer, action, fields, created_at FROM corrections"
    " WHERE document_id = ?1 AND tenant = ?2 ORDER BY id";

inline constexpr char kInsertWebhook[] = "INSERT INTO webhook_events (" SHEAF_WEBHOOK_COLUMNS
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                                  " 'pending', 0, ?7, ?7, '', ?7, ?7)";
inline constexpr char kWebhookById[] =
    "SELECT " SHEAF_WEBHOOK_COLUMNS " FROM webhook_events WHERE event_id = ?1";
inline constexpr char kWebhookOfTenant[] =
    "SELECT " SHEAF_WEBHOOK_COLUMNS " FROM webhook_events WHERE event_id = ?1 AND tenant = ?2";
inline constexpr char kWebhooksOfTenant[] = "SELECT " SHEAF_WEBHOOK_COLUMNS
                                     " FROM webhook_events WHERE tenant = ?1 AND state = ?2"
                                     " ORDER BY created_at DESC, event_id DESC LIMIT ?3";
inline constexpr char kDueWebhooks[] =
    "SELECT event_id FROM webhook_events WHERE state = 'pending' AND next_attempt_at <= ?1"
    " ORDER BY next_attempt_at, created_at LIMIT ?2";
inline constexpr char kClaimWebhook[] =
    "UPDATE webhook_events SET attempts = attempts + 1, next_attempt_at = ?2, updated_at = ?3"
    " WHERE event_id = ?1 RETURNING " SHEAF_WEBHOOK_COLUMNS;
inline constexpr char kWebhookDelivered[] =
    "UPDATE webhook_events SET state = 'delivered', last_error = '', updated_at = ?2"
    " WHERE event_id = ?1";
inline constexpr char kWebhookRetry[] =
    "UPDATE webhook_events SET next_attempt_at = ?2, last_error = ?3, updated_at = ?4"
    " WHERE event_id = ?1";
inline constexpr char kWebhookFailed[] =
    "UPDATE webhook_events SET state = 'failed', last_error = ?2, updated_at = ?3"
    " WHERE event_id = ?1";
inline constexpr char kWebhookReplay[] =
    "UPDATE webhook_events SET state = 'pending', attempts = 0, window_start = ?2,"
    " next_attempt_at = ?2, last_error = '', updated_at = ?2 WHERE event_id = ?1";

// A tenant's chain continues after its last entry or after the base, whichever is later (see
// "Audit" in sheaf/metadata_store.h).
inline constexpr char kAuditHead[] =
    "SELECT seq, hash FROM audit_heads WHERE tenant = ?1"
    " UNION ALL SELECT seq, hash FROM audit_base ORDER BY 1 DESC LIMIT 1";
inline constexpr char kSetAuditHead[] =
    "INSERT INTO audit_heads (tenant, seq, hash) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (tenant) DO UPDATE SET seq = excluded.seq, hash = excluded.hash";
inline constexpr char kInsertAudit[] =
    "INSERT INTO audit_log (" SHEAF_AUDIT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
inline constexpr char kAuditAfter[] = "SELECT " SHEAF_AUDIT_COLUMNS
                                      " FROM audit_log WHERE tenant = ?1 AND seq > ?2"
                                      " ORDER BY seq LIMIT ?3";
inline constexpr char kAuditBase[] = "SELECT seq, hash FROM audit_base";
inline constexpr char kAuditHeads[] = "SELECT tenant, seq, hash FROM audit_heads ORDER BY tenant";
// VerifyAudit: the one chain kept from before per-tenant chains, then every tenant's chain.
inline constexpr char kAuditShared[] = "SELECT " SHEAF_AUDIT_COLUMNS
                                       " FROM audit_log WHERE seq <= ?1 ORDER BY seq";
inline constexpr char kAuditChains[] = "SELECT " SHEAF_AUDIT_COLUMNS
                                       " FROM audit_log WHERE seq > ?1 ORDER BY tenant, seq";

inline constexpr char kPutSenderMemory[] =
    "INSERT INTO sender_memory (tenant, sender, field, memory, document_id, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (tenant, sender, field) DO UPDATE SET"
    " memory = excluded.memory, document_id = excluded.document_id,"
    " updated_at = excluded.updated_at";
inline constexpr char kSenderMemory[] =
    "SELECT sender, field, memory, document_id, updated_at FROM sender_memory"
    " WHERE tenant = ?1 AND sender = ?2 ORDER BY field";
inline constexpr char kSenders[] =
    "SELECT DISTINCT sender FROM sender_memory"
    " WHERE tenant = ?1 AND substr(sender, 1, length(?2)) = ?2 ORDER BY sender LIMIT ?3";

#undef SHEAF_DOCUMENT_COLUMNS
#undef SHEAF_WEBHOOK_COLUMNS
#undef SHEAF_AUDIT_COLUMNS
#undef SHEAF_KEY_COLUMNS
#undef SHEAF_TENANT_COLUMNS

inline constexpr const char* kStatements[] = {
    kInsertTenant,     kTenantById,          kTenantByName,
    kTenants,          kTenantPending,       kInsertKey,
    kKeyById,          kKeysOfTenant,        kRevokeKey,
    kInsertDocument,   kDocumentById,        kDocumentByKey,
    kUpdateDocument,   kSetReviewed,
    kDeleteDocument,   kDeleteCorrectionsOf, kDeleteWebhooksOf,
    kListAll,          kListStatus,          kListType,
    kListStatusType,   kListSender,          kReviewQueue,         kInsertCorrection,
    kCorrectionsOf,    kReviewedDocuments, kInsertWebhook,       kWebhookById,
    kWebhookOfTenant,  kWebhooksOfTenant,    kDueWebhooks,
    kClaimWebhook,     kWebhookDelivered,    kWebhookRetry,
    kWebhookFailed,    kWebhookReplay,       kAuditHead,
    kInsertAudit,      kAuditAfter,          kAuditShared,
    kAuditChains,      kAuditBase,           kAuditHeads,
    kSetAuditHead,
    kSetTenantWebhook, kSetTenantSecret,  kCountByStatus,
    kReviewHold,       kClaimReview,      kClaimOneReview,   kReleaseReview,
    kPutSenderMemory,  kSenderMemory,     kSenders,
};

}  // namespace sheaf::sqlite_meta

#endif  // SHEAF_ADAPTERS_SQLITE_METADATA_STATEMENTS_H_
