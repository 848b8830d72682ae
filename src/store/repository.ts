import {
  HubguardError,
  systemClock,
  type Alert,
  type AuditEntry,
  type Clock,
  type Finding,
  type RecordKindName,
  type RecordTypes,
  type Scope,
} from '../core/index.js';
import { listAlerts, upsertAlerts, type AlertFilter } from './alerts.js';
import { appendAudit, listAudit, verifyAudit, type AuditInput, type AuditVerification } from './audit.js';
import { atomic, type StoreContext, type TransactionOptions } from './context.js';
import type { Database } from './db.js';
import {
  findingSummary,
  listFindings,
  replaceFindings,
  setFindingStatus,
  type FindingFilter,
  type FindingStatus,
  type FindingSummaryRow,
  type ReplaceFindingsResult,
} from './findings.js';
import { listImportRuns, recordImportRun, type ImportRun, type ImportRunInput } from './import-runs.js';
import * as feeds from './feeds.js';
import type { Cve5Info, EpssScore, KevEntry, NvdCve, ParsedFeed } from '../ingest/feeds/index.js';
import * as records from './records.js';
import { mergeRecords, upsertRecords, upsertSerialized, type SerializedRecord } from './upsert.js';
import type { Dialect } from './schema.js';

/** Options of a Repository. */
export interface RepositoryOptions {
  /** Clock for `updated_at` stamps; injected so tests are reproducible. */
  clock?: Clock;
}

// Not exported: only the repository itself can bind a new instance to a transaction.
const BOUND = Symbol('bound context');

/**
 * The one way to read and write Hubguard's database. Every method takes the
 * caller's tenant scope first: a `tenants` scope sees only rows of its tenants
 * (`tenant IN (...)` on every read) and any write outside them fails with
 * HG_ERR_TENANT_SCOPE before anything is written; an `all` scope sees
 * everything. Driver errors surface as HG_ERR_DB naming the database.
 */
export class Repository {
  private readonly ctx: StoreContext;

  constructor(database: Database, options: RepositoryOptions & { [BOUND]?: StoreContext } = {}) {
    this.ctx = options[BOUND] ?? {
      database,
      db: database.db,
      dialect: database.dialect,
      raw: database.raw,
      clock: options.clock ?? systemClock,
    };
  }

  /** Which database this repository writes to. */
  get dialect(): Dialect {
    return this.ctx.dialect;
  }

  /**
   * Runs `fn` all-or-nothing: every write made through the repository it is
   * given commits together, or none does when `fn` throws (the error is
   * rethrown). On SQLite this includes the raw prepared-statement paths; on
   * PostgreSQL every statement runs on the transaction's connection. Nested
   * calls become savepoints. Do not use the inner repository after `fn` ends.
   */
  async transaction<T>(fn: (repo: Repository) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return atomic(this.ctx, (ctx) => fn(new Repository(ctx.database, { [BOUND]: ctx })), options);
  }

  // ---- workspace records -------------------------------------------------------------------

  /**
   * Inserts or updates records of one kind, all-or-nothing. Records must be
   * validated already (zod output). The tenant is the record's `tenant` (for an
   * organization, its own id) and the key is `RecordKind.key`; every tenant is
   * checked against the scope before anything is written. A key given twice
   * ends with its last record. `updated_at` only moves when the data changed.
   * `keys[i]`, when given, is the key of `items[i]` already computed (an import).
   */
  async upsertRecords(scope: Scope, kind: RecordKindName, items: readonly object[], keys?: readonly string[]): Promise<void> {
    return upsertRecords(this.ctx, need(scope), kind, items, keys);
  }

  /**
   * upsertRecords for records serialized elsewhere (an import worker thread):
   * `[tenant, key, json]` rows, stored as given. The caller vouches that each
   * JSON is a validated record whose tenant and key match; the scope is still
   * checked for every tenant before anything is written.
   */
  async upsertSerialized(scope: Scope, kind: RecordKindName, rows: readonly SerializedRecord[]): Promise<void> {
    return upsertSerialized(this.ctx, need(scope), kind, rows);
  }

  /**
   * Inserts records whose (tenant, key) does not exist yet, whole; for those that
   * exist, overwrites only `fields` (those present in the new record) and keeps
   * the rest. `[]` means insert-if-missing. A key repeated in the batch merges in
   * order. All-or-nothing, scope checked first, for exports that describe part
   * of a record (MFA registrations, roles named by several exports). With
   * `newerBy` (a timestamp field), an incoming record older than the existing
   * one by that field only fills in the fields the existing one lacks.
   */
  async mergeRecords(scope: Scope, kind: RecordKindName, items: readonly object[], fields: readonly string[], newerBy?: string): Promise<void> {
    return mergeRecords(this.ctx, need(scope), kind, items, fields, newerBy);
  }

  /** One record by key (and tenant, when keys repeat across tenants), or undefined when not in scope. */
  async getRecord<K extends RecordKindName>(scope: Scope, kind: K, id: string, tenant?: string): Promise<RecordTypes[K] | undefined> {
    return records.getRecord(this.ctx, need(scope), kind, id, tenant);
  }

  /** Records of one kind ordered by tenant and key; an explicit tenant outside the scope throws. */
  async listRecords<K extends RecordKindName>(scope: Scope, kind: K, options?: records.ListRecordsOptions): Promise<RecordTypes[K][]> {
    return records.listRecords(this.ctx, need(scope), kind, options);
  }

  /** Every record of one kind, fetched a page at a time (keyset paging), for engines over large data. */
  iterateRecords<K extends RecordKindName>(
    scope: Scope,
    kind: K,
    options?: { tenant?: string; pageSize?: number },
  ): AsyncGenerator<RecordTypes[K], void, undefined> {
    return records.iterateRecords(this.ctx, need(scope), kind, options);
  }

  /** How many records of one kind the scope (or one tenant of it) holds. */
  async countRecords(scope: Scope, kind: RecordKindName, tenant?: string): Promise<number> {
    return records.countRecords(this.ctx, need(scope), kind, tenant);
  }

  /** Record counts of one kind per tenant in scope, ordered by tenant. */
  async countsByTenant(scope: Scope, kind: RecordKindName): Promise<{ tenant: string; count: number }[]> {
    return records.countsByTenant(this.ctx, need(scope), kind);
  }

  /**
   * Which of `keys` already exist (in scope), mapped to their tenant: importers
   * resolve references to earlier imports with it. A key held by several
   * tenants maps to the first in sort order.
   */
  async existingKeys(scope: Scope, kind: RecordKindName, keys: readonly string[]): Promise<Map<string, string>> {
    return records.existingKeys(this.ctx, need(scope), kind, keys);
  }

  /** Deletes records by key within the scope (or one tenant of it); returns how many went. */
  async deleteRecords(scope: Scope, kind: RecordKindName, ids: readonly string[], tenant?: string): Promise<number> {
    return records.deleteRecords(this.ctx, need(scope), kind, ids, tenant);
  }

  // ---- findings ----------------------------------------------------------------------------

  /**
   * Stores one engine run's findings, all-or-nothing: each is upserted by
   * (tenant, id) keeping its first_seen, with last_seen = `now`; a suppressed
   * finding stays suppressed. Open findings of the engine (for `tenant`, or for
   * every tenant in scope) that are not in the new set become `resolved`.
   */
  async replaceFindings(
    scope: Scope,
    run: { engine: string; tenant?: string },
    findings: readonly Finding[],
    now: string | Date,
  ): Promise<ReplaceFindingsResult> {
    return replaceFindings(this.ctx, need(scope), run, findings, now);
  }

  /**
   * Sets one finding's status, e.g. `suppressed` for an accepted risk (kept
   * across engine re-runs) or `open` to undo it. Returns whether it existed.
   */
  async setFindingStatus(scope: Scope, finding: { tenant: string; id: string }, status: FindingStatus): Promise<boolean> {
    return setFindingStatus(this.ctx, need(scope), finding, status);
  }

  /** Findings (default: open ones), most severe first, then by tenant and control. */
  async listFindings(scope: Scope, filter?: FindingFilter): Promise<Finding[]> {
    return listFindings(this.ctx, need(scope), filter);
  }

  /** Counts of findings (default: open ones) per tenant, area and severity. */
  async findingSummary(scope: Scope, options?: { status?: FindingStatus | 'any' }): Promise<FindingSummaryRow[]> {
    return findingSummary(this.ctx, need(scope), options);
  }

  // ---- alerts ------------------------------------------------------------------------------

  /** Stores alerts; one seen again keeps its earliest first_seen and latest last_seen, and takes the new count and data. */
  async upsertAlerts(scope: Scope, alerts: readonly Alert[]): Promise<number> {
    return upsertAlerts(this.ctx, need(scope), alerts);
  }

  /** Alerts, most severe and most recent first. */
  async listAlerts(scope: Scope, filter?: AlertFilter): Promise<Alert[]> {
    return listAlerts(this.ctx, need(scope), filter);
  }

  // ---- audit log ---------------------------------------------------------------------------

  /**
   * Appends to the tamper-evident audit log: each entry carries the sha256 of
   * its canonical JSON and of the entry before. Appends are serialized (one
   * locked transaction each). This is the one write that takes no scope: the
   * log records what already-authorized calls did (the actor is in the entry),
   * is append-only, and every read of it is scoped. Entries without a tenant are
   * global. Callers pass no secrets: details are kept forever (keys such as
   * `password` or `token` are redacted as a safety net, not as a licence).
   */
  async appendAudit(entry: AuditInput): Promise<AuditEntry> {
    return appendAudit(this.ctx, entry);
  }

  /** Recomputes the whole chain; needs an `all` scope. Reports the first entry that breaks it. */
  async verifyAudit(scope: Scope): Promise<AuditVerification> {
    return verifyAudit(this.ctx, need(scope));
  }

  /** The newest audit entries: a tenants scope sees its tenants' entries, only `all` sees global ones. */
  async listAudit(scope: Scope, limit?: number): Promise<AuditEntry[]> {
    return listAudit(this.ctx, need(scope), limit);
  }

  // ---- import runs -------------------------------------------------------------------------

  /** Records (or, for a known id, completes) an import run. */
  async recordImportRun(scope: Scope, run: ImportRunInput): Promise<ImportRun> {
    return recordImportRun(this.ctx, need(scope), run);
  }

  /** The newest import runs; needs an `all` scope since a run spans tenants. */
  async listImportRuns(scope: Scope, limit?: number): Promise<ImportRun[]> {
    return listImportRuns(this.ctx, need(scope), limit);
  }

  // ---- vulnerability feeds (global, public data: no tenant) ---------------------------------

  /**
   * Stores one parsed feed file, all-or-nothing, and records its version, date
   * and count in `feeds`. KEV and EPSS replace their whole table (the file is
   * the whole feed); NVD pages and CVE 5 records are upserted by CVE id, so
   * pages add up. Importing the same file again changes nothing but
   * `importedAt`. Feed data is shared by every tenant, so only an all-tenants
   * scope may write it.
   */
  async importFeed(scope: Scope, feed: ParsedFeed, now: string | Date = this.ctx.clock.now()): Promise<feeds.FeedImportResult> {
    return feeds.importFeed(this.ctx, need(scope), feed, now);
  }

  /** Every imported feed with its version, data date, import time and row count. Any scope may read (public data). */
  async listFeeds(scope: Scope): Promise<feeds.FeedStatus[]> {
    need(scope);
    return feeds.listFeeds(this.ctx);
  }

  /** KEV entries by CVE id (all of them when `cves` is omitted). */
  async kevEntries(scope: Scope, cves?: readonly string[]): Promise<Map<string, KevEntry>> {
    need(scope);
    return feeds.kevEntries(this.ctx, cves);
  }

  /** EPSS scores by CVE id (all of them when `cves` is omitted: ~300k). */
  async epssScores(scope: Scope, cves?: readonly string[]): Promise<Map<string, EpssScore>> {
    need(scope);
    return feeds.epssScores(this.ctx, cves);
  }

  /** NVD records (with their configurations / cpeMatch criteria) of the given CVEs. */
  async nvdCves(scope: Scope, cves: readonly string[]): Promise<Map<string, NvdCve>> {
    need(scope);
    return feeds.nvdCves(this.ctx, cves);
  }

  /** Every stored NVD record in CVE order, a page at a time: feed it to the matcher's index builder. */
  iterateNvdCves(scope: Scope, pageSize?: number): AsyncGenerator<NvdCve, void, undefined> {
    need(scope);
    return feeds.iterateNvdCves(this.ctx, pageSize);
  }

  /** CVE JSON 5 facts (CISA ADP SSVC automatable / technical impact / exploitation) by CVE id. */
  async cve5Info(scope: Scope, cves?: readonly string[]): Promise<Map<string, Cve5Info>> {
    need(scope);
    return feeds.cve5Info(this.ctx, cves);
  }
}

/** Refuses a missing or malformed scope from untyped callers: nothing is read or written without one. */
function need(scope: Scope): Scope {
  const ok =
    scope !== null &&
    typeof scope === 'object' &&
    typeof scope.actor === 'string' &&
    (scope.kind === 'all' || (scope.kind === 'tenants' && Array.isArray(scope.tenants)));
  if (!ok) throw new HubguardError('HG_ERR_TENANT_SCOPE', 'a tenant scope is required');
  return scope;
}
