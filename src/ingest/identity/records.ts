import { readFile } from 'node:fs/promises';
import { RECORD_KINDS, type Location, type RecordKindName } from '../../core/index.js';
import type { CandidateBatch, ImportContext } from '../importer.js';
import { decodeText, DEFAULT_TEXT_LIMITS } from '../text.js';

/** What a parser may ask of the import: the tenant named with `--customer`, and a place to report problems. */
export type ParseContext = Pick<ImportContext, 'customer' | 'problem'>;

/** One record an identity parser produced, with where it came from. */
export interface ParsedRecord {
  kind: RecordKindName;
  value: Record<string, unknown>;
  location: Location;
  /** Location of a record field (by the record's field name), for precise validation messages. */
  locate?: (path: readonly (string | number)[]) => Location;
  /** Merge semantics for this record (see CandidateBatch.merge); absent = replace whole. */
  merge?: readonly string[];
}

/** The problem every customer-side export reports when `--customer` is missing. */
export const NO_TENANT = 'this export does not name its tenant: pass --customer <org id>';

/**
 * The tenant of a file that does not name its own: `--customer`. Reports the
 * problem once, at the file, when it is absent.
 */
export function requireTenant(ctx: ParseContext, file: string, who = 'org id'): string | undefined {
  const t = ctx.customer?.trim();
  if (t) return t;
  ctx.problem('HG_ERR_VALIDATION', who === 'org id' ? NO_TENANT : NO_TENANT.replace('<org id>', `<${who}>`), { file });
  return undefined;
}

/**
 * A key-safe slug: lower-case ASCII letters, digits and dashes. Used for keys
 * derived from names (roles, AD groups, organizations named by a display name).
 */
export function slug(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Key of an Entra ID group: tenant plus the group's object id (stable across renames). */
export const entraGroupKey = (tenant: string, objectId: string): string => `${tenant}/entra/${objectId.toLowerCase()}`;
/** Key of an Active Directory group: tenant plus the slug of its common name. */
export const adGroupKey = (tenant: string, cn: string): string => `${tenant}/ad/${slug(cn)}`;
/** Key of a role: tenant (or tool) plus the slug of the role name. */
export const roleKey = (owner: string, name: string): string => `${owner}/role/${slug(name)}`;

/**
 * Normalizes a timestamp to UTC ISO 8601, or undefined. Graph reports "never"
 * as null or as the zero date `0001-01-01T00:00:00Z` (see the
 * unifiedRoleEligibilitySchedule example), so dates before 1970 are dropped.
 */
export function toIso(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v.trim()) return undefined;
  const s = v.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) return undefined;
  // A date-time without a zone is read as UTC: Graph always writes UTC (signInActivity resource docs).
  const withZone = s.length === 10 ? `${s}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(s) ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`;
  const t = Date.parse(withZone);
  if (Number.isNaN(t) || t < 0) return undefined;
  return new Date(t).toISOString();
}

/** The latest of several timestamps (ISO strings compare in time order). */
export function latest(...ts: (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const t of ts) if (t && (!best || t > best)) best = t;
  return best;
}

/** An ISO 8601 duration (`P180D`, `PT0S`, `P2Y`, `P1DT12H`) in days, or undefined when malformed. */
export function durationDays(d: unknown): number | undefined {
  if (typeof d !== 'string') return undefined;
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d.trim());
  if (!m || d.trim() === 'P' || d.trim().endsWith('T')) return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  return n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4) + n(5) / 24 + n(6) / 1440 + n(7) / 86400;
}

const SHARED_LOCAL = new Set([
  'admin', 'administrator', 'info', 'office', 'reception', 'frontdesk', 'accounts', 'accounting', 'billing', 'sales',
  'support', 'helpdesk', 'hr', 'contact', 'noreply', 'no-reply', 'enquiries', 'inquiries', 'mail', 'marketing', 'team',
]);

/**
 * Identity kind from naming, the one signal every export carries: `svc-`/`sa-`
 * style names are service accounts; generic mailbox names (`info@`, `admin@`,
 * `shared…`) are shared accounts; everyone else is a person. Documented in
 * docs/identity-imports.md; a workspace file can correct any guess.
 */
export function identityKind(login: string, displayName = ''): 'human' | 'service' | 'shared' {
  const local = login.toLowerCase().split('@')[0]!.replace(/^.*\\/, '');
  if (/^(svc|srv|sa|service|app)[-_.]/.test(local) || /^svc/.test(local) || /\bservice account\b/i.test(displayName)) return 'service';
  if (SHARED_LOCAL.has(local) || local.startsWith('shared') || /\bshared (mailbox|account)\b/i.test(displayName)) return 'shared';
  return 'human';
}

/** A string property of an untyped object, trimmed, or undefined when absent or empty. */
export function str(o: unknown, key: string): string | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const v = (o as Record<string, unknown>)[key];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** An object property of an untyped object, or undefined. */
export function obj(o: unknown, key: string): Record<string, unknown> | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const v = (o as Record<string, unknown>)[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Keeps the first record of each (kind, key) so that one file never defines a shared record twice. */
export class Once {
  private readonly seen = new Set<string>();
  /** True the first time a (kind, key) is offered. */
  first(kind: RecordKindName, key: string): boolean {
    const k = `${kind}\u0000${key}`;
    if (this.seen.has(k)) return false;
    this.seen.add(k);
    return true;
  }
}

/**
 * Groups parsed records into batches by kind (in dependency order) and merge
 * semantics, so that one file's records reach the run as few batches.
 */
export function toBatches(records: readonly ParsedRecord[]): CandidateBatch[] {
  const groups = new Map<string, CandidateBatch>();
  const order = (k: RecordKindName) => RECORD_KINDS.findIndex((x) => x.name === k);
  const sorted = [...records].sort((a, b) => order(a.kind) - order(b.kind));
  for (const r of sorted) {
    const g = `${r.kind}\u0000${r.merge ? r.merge.join(',') : '\u0001'}`;
    let b = groups.get(g);
    if (!b) {
      b = { kind: r.kind, items: [], ...(r.merge ? { merge: [...r.merge] } : {}) };
      groups.set(g, b);
    }
    b.items.push({ value: r.value, location: r.location, ...(r.locate ? { locate: r.locate } : {}) });
  }
  return [...groups.values()];
}

/** Longest line accepted in JSON exports: Graph writes each page as one line, and pages of 999 users exceed 1 MiB. */
const JSON_LIMITS = { ...DEFAULT_TEXT_LIMITS, maxLineLength: 64 * 1024 * 1024 };

/**
 * Reads a file as text: strict UTF-8 (decodeText), or UTF-16LE when the file
 * starts with its byte order mark — what Windows PowerShell's `>` and
 * `Out-File` write, so AD exports saved that way are read rather than refused.
 */
export async function readText(path: string, json = false): Promise<string> {
  let bytes: Uint8Array = await readFile(path);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    let s: string;
    try {
      s = new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    } catch {
      return decodeText(bytes, path); // reports the encoding error with its place
    }
    bytes = new TextEncoder().encode(s);
  }
  return decodeText(bytes, path, json ? JSON_LIMITS : DEFAULT_TEXT_LIMITS);
}

/** The start of a file as text for sniffing: BOM dropped, and UTF-16LE read by dropping its NUL bytes. */
export function sniffText(head: string): string {
  let h = head.replace(/^\uFEFF/, '');
  if (h.includes('\u0000')) h = h.replace(/\u0000/g, '').replace(/^\uFFFD+/, '');
  return h;
}
