/** The storage layer: open a database, then read and write it through a Repository. */
export { openDatabase, type Database } from './db.js';
export { Repository, type RepositoryOptions } from './repository.js';
export type { ListRecordsOptions } from './records.js';
export type { SerializedRecord } from './upsert.js';
export type { FindingFilter, FindingStatus, FindingSummaryRow, ReplaceFindingsResult } from './findings.js';
export type { AlertFilter } from './alerts.js';
export { auditHash, GENESIS_HASH, type AuditInput, type AuditVerification } from './audit.js';
export { canonicalJson } from './canonical-json.js';
export type { ImportRun, ImportRunInput } from './import-runs.js';
export { DEFAULT_SQLITE_PATH, parseDatabaseUrl, redactUrl, type DatabaseTarget } from './url.js';
export { KIND_TABLES, SEVERITY_RANK, type Dialect, type Schema } from './schema.js';
export type { TransactionOptions } from './context.js';
export { migrationNames } from './migrations/index.js';
export type { FeedStatus, FeedImportResult } from './feeds.js';
