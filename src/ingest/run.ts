import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  HubguardError, RECORD_KINDS, ValidationFailed, recordKind,
  type ErrorCode, type Location, type Problem, type RecordKind, type RecordKindName,
} from '../core/index.js';
import type { Candidate, Importer, InputFile } from './importer.js';
import { IMPORTERS } from './registry.js';

/** Where validated records go; the store implements it inside one transaction. */
export interface ImportSink {
  write(kind: RecordKindName, records: object[]): Promise<void>;
  /**
   * Inserts records that do not exist yet; of those that do, updates only the
   * named fields (see CandidateBatch.merge).
   */
  merge(kind: RecordKindName, records: object[], fields: readonly string[]): Promise<void>;
  /** Which of these keys already exist (from earlier imports), with their tenant. */
  existing(kind: RecordKindName, keys: string[]): Promise<Map<string, string>>;
}

export interface ImportProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number;
  records: number;
}

export interface ImportOptions {
  customer?: string;
  maxProblems?: number;
  onProgress?: (p: ImportProgress) => void;
  importers?: readonly Importer[];
}

export interface ImportResult {
  counts: Partial<Record<RecordKindName, number>>;
  files: { path: string; importer: string }[];
  skipped: { path: string; reason: string }[];
  /** Non-fatal notes from importers (at most MAX_WARNINGS; the count is exact). */
  warnings: { message: string; location: Location }[];
  warningCount: number;
}

const MAX_WARNINGS = 200;

const HEAD_BYTES = 4096;
const MAX_DEPTH = 4;

async function listFiles(path: string, explicit: boolean, depth = 0): Promise<{ path: string; explicit: boolean }[]> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new HubguardError('HG_ERR_FILE_NOT_FOUND', path, { file: path });
  }
  if (st.isFile()) return [{ path, explicit }];
  if (!st.isDirectory() || depth > MAX_DEPTH) return [];
  const names = (await readdir(path)).filter((n) => !n.startsWith('.')).sort();
  const out: { path: string; explicit: boolean }[] = [];
  for (const n of names) out.push(...(await listFiles(join(path, n), false, depth + 1)));
  return out;
}

async function inputFile(path: string, explicit: boolean): Promise<InputFile> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await fh.read(buf, 0, buf.length, 0);
    return { path, name: basename(path), size, head: buf.toString('utf8'), explicit };
  } finally {
    await fh.close();
  }
}

/** Turns a zod issue list into located problems. */
function zodProblems(c: Candidate, issues: readonly { code: string; path: PropertyKey[]; message: string; keys?: string[] }[]): Problem[] {
  return issues.map((i) => {
    const path = i.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (i.code === 'unrecognized_keys' && i.keys?.length) {
      const loc = c.locate?.([...path, i.keys[0]!]) ?? c.location;
      return { code: 'HG_ERR_UNKNOWN_COLUMN' as ErrorCode, message: `unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`, location: { ...loc, field: [...path, ...i.keys.slice(0, 1)].join('.') } };
    }
    const loc = c.locate?.(path) ?? c.location;
    return { code: 'HG_ERR_VALIDATION' as ErrorCode, message: i.message, location: { ...loc, field: path.join('.') || undefined } };
  });
}

/**
 * A copy of a string that does not keep the text it was sliced from alive:
 * a key cut out of a 70 MB file would otherwise pin the whole file in memory
 * for the rest of the import.
 */
const detach = (s: string): string => (s.length < 13 ? s : (' ' + s).slice(1)); // V8 copies slices under 13 characters anyway

/** The file a key ordinal was defined in (fileStarts is ascending). */
function fileOfOrdinal(fileStarts: readonly number[], ordinal: number): number {
  let lo = 0;
  let hi = fileStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fileStarts[mid]! <= ordinal) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Runs one import: every file is handed to the importer that recognizes it,
 * every record is validated against its kind's schema, natural keys must be
 * unique and references must resolve (within the import or to earlier ones).
 * Valid records stream to the sink while no problem has been seen; on any
 * problem the run goes on validating to report them all, then throws
 * ValidationFailed — the caller's transaction then leaves the database as it was.
 */
export async function runImport(paths: readonly string[], sink: ImportSink, opts: ImportOptions = {}): Promise<ImportResult> {
  const importers = opts.importers ?? IMPORTERS;
  const maxProblems = opts.maxProblems ?? 1000;
  const problems: Problem[] = [];
  const reportedAt = new Set<string>();
  const report = (code: ErrorCode, message: string, location: Location) => {
    // One problem per field of a record: a cell that failed conversion is not reported again by the schema.
    if (location.line !== undefined && location.field) {
      const at = `${location.file}\u0000${location.line}\u0000${location.field}`;
      if (reportedAt.has(at)) return;
      reportedAt.add(at);
    }
    if (problems.length < maxProblems) problems.push({ code, message, location });
    else if (problems.length === maxProblems) {
      problems.push({ code: 'HG_ERR_TOO_MANY_ERRORS', message: `more than ${maxProblems} problems; fix these first`, location });
    }
  };

  const listed = (await Promise.all(paths.map((p) => listFiles(p, true)))).flat();
  const plan: { file: InputFile; importer: Importer; order: number }[] = [];
  const skipped: ImportResult['skipped'] = [];
  const warnings: ImportResult['warnings'] = [];
  let warningCount = 0;
  for (const l of listed) {
    const file = await inputFile(l.path, l.explicit);
    let best: Importer | undefined;
    let score = 0;
    for (const imp of importers) {
      const s = imp.recognize(file);
      if (s > score) [best, score] = [imp, s];
    }
    if (best) plan.push({ file, importer: best, order: best.order(file) });
    else if (file.explicit) report('HG_ERR_UNRECOGNIZED_FILE', 'no importer recognizes this file (see docs/workspace-format.md)', { file: file.path });
    else skipped.push({ path: file.path, reason: 'not recognized' });
  }
  plan.sort((a, b) => a.order - b.order);

  const bytesTotal = plan.reduce((s, p) => s + p.file.size, 0);
  let bytesBefore = 0;
  let records = 0;
  const counts: ImportResult['counts'] = {};
  // Natural key → ordinal of its first definition, per kind. Ordinals stay small
  // integers (no boxed numbers in a map of a million keys); lines and files are
  // looked up from them only to report a duplicate.
  const seen = new Map<RecordKindName, Map<string, number>>(RECORD_KINDS.map((k) => [k.name, new Map()]));
  const ordLines: number[] = [];
  const fileStarts: number[] = [];
  /** Ordinals of keys so far given only by merge batches. */
  const mergedOnly = new Set<number>();
  /** Where a key first defined by a merge got its whole record (for duplicate messages). */
  const fileOfWhole = new Map<number, number>();
  const pending = new Map<string, { kind: RecordKindName; key: string; location: Location; field: string }>();

  for (let fi = 0; fi < plan.length; fi++) {
    const { file, importer } = plan[fi]!;
    fileStarts.push(ordLines.length);
    const progress = (done: number) => opts.onProgress?.({ file: file.path, bytesDone: bytesBefore + done, bytesTotal, records });
    const warn = (message: string, location: Location) => {
      if (warnings.length < MAX_WARNINGS) warnings.push({ message, location });
      warningCount++;
    };
    const ctx = { customer: opts.customer, progress, problem: report, warn };
    try {
      for await (const batch of importer.read(file, ctx)) {
        const kind = recordKind(batch.kind);
        const keys = seen.get(kind.name)!;
        const valid: object[] = [];
        for (const c of batch.items) {
          const parsed = kind.schema.safeParse(c.value);
          if (!parsed.success) {
            for (const p of zodProblems(c, parsed.error.issues as never)) report(p.code, p.message, p.location);
            continue;
          }
          const rec = parsed.data as Record<string, unknown>;
          const key = kind.key(rec as never);
          const prior = keys.get(key);
          // A key first given by a merge batch (a partial export) may still get its whole record once.
          if (prior !== undefined && !batch.merge && !mergedOnly.has(prior)) {
            const pf = plan[fileOfWhole.get(prior) ?? fileOfOrdinal(fileStarts, prior)]!.file.path;
            report('HG_ERR_DUPLICATE_KEY', `${kind.name} "${key}" is already defined at ${pf}:${ordLines[prior]}`, { ...c.location, field: 'id' });
            continue;
          }
          if (prior === undefined) {
            keys.set(detach(key), ordLines.length);
            if (batch.merge) mergedOnly.add(ordLines.length);
            ordLines.push(c.location.line ?? 0);
          } else if (!batch.merge) {
            mergedOnly.delete(prior);
            ordLines[prior] = c.location.line ?? 0;
            fileOfWhole.set(prior, fi);
          }
          checkRefs(kind, rec, c, seen, pending);
          valid.push(rec);
        }
        records += batch.items.length;
        if (problems.length === 0 && valid.length) {
          if (batch.merge) await sink.merge(kind.name, valid, batch.merge);
          else await sink.write(kind.name, valid);
        }
        counts[kind.name] = (counts[kind.name] ?? 0) + valid.length;
      }
    } catch (e) {
      if (e instanceof HubguardError && e.userFault) report(e.code, e.text, e.location ?? { file: file.path });
      else throw e;
    }
    bytesBefore += file.size;
    progress(0);
  }

  await resolvePending(pending, seen, sink, report);
  if (problems.length) {
    // Report in reading order: by file as planned, then line and column.
    const order = new Map(plan.map((p, i) => [p.file.path, i]));
    const rank = (p: Problem) => order.get(p.location.file) ?? -1;
    problems.sort((a, b) => rank(a) - rank(b) || (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 1e9) - (b.location.column ?? 1e9));
    throw new ValidationFailed(problems);
  }
  return { counts, files: plan.map((p) => ({ path: p.file.path, importer: p.importer.name })), skipped, warnings, warningCount };
}

function checkRefs(
  kind: RecordKind,
  rec: Record<string, unknown>,
  c: Candidate,
  seen: Map<RecordKindName, Map<string, number>>,
  pending: Map<string, { kind: RecordKindName; key: string; location: Location; field: string }>,
): void {
  for (const ref of kind.refs) {
    const to = typeof ref.to === 'function' ? ref.to(rec) : ref.to;
    if (!to) continue;
    const v = rec[ref.field];
    if (v === undefined || v === null) continue;
    const known = seen.get(to)!;
    // A reference field holds one key or a list of them (backup.assets).
    if (Array.isArray(v)) {
      for (const key of v) if (!known.has(String(key))) addPending(pending, to, String(key), c, ref.field);
    } else if (!known.has(v as string)) addPending(pending, to, String(v), c, ref.field);
  }
}

function addPending(
  pending: Map<string, { kind: RecordKindName; key: string; location: Location; field: string }>,
  kind: RecordKindName,
  key: string,
  c: Candidate,
  field: string,
): void {
  const id = `${kind}\u0000${key}`;
  if (!pending.has(id)) pending.set(id, { kind, key, location: { ...(c.locate?.([field]) ?? c.location), field }, field });
}

async function resolvePending(
  pending: Map<string, { kind: RecordKindName; key: string; location: Location; field: string }>,
  seen: Map<RecordKindName, Map<string, number>>,
  sink: ImportSink,
  report: (code: ErrorCode, message: string, location: Location) => void,
): Promise<void> {
  const byKind = new Map<RecordKindName, { key: string; location: Location }[]>();
  for (const p of pending.values()) {
    if (seen.get(p.kind)!.has(p.key)) continue; // defined later in the same import
    const list = byKind.get(p.kind) ?? [];
    list.push(p);
    byKind.set(p.kind, list);
  }
  for (const [kind, list] of byKind) {
    const found = await sink.existing(kind, list.map((p) => p.key));
    for (const p of list) {
      if (!found.has(p.key)) report('HG_ERR_DANGLING_REF', `no ${kind} "${p.key}" in this import or in the database`, p.location);
    }
  }
}
