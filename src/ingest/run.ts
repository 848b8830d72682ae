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
  /** Writes validated records; `keys[i]` is the natural key of `records[i]`. */
  write(kind: RecordKindName, records: object[], keys: string[]): Promise<void>;
  /**
   * Inserts records that do not exist yet; of those that do, updates only the
   * named fields (see CandidateBatch.merge).
   */
  merge(kind: RecordKindName, records: object[], fields: readonly string[], newerBy?: string): Promise<void>;
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

/** How one reader of a parallel import reaches the others (see shardPlan). */
export interface ImportPeers {
  /** Which of these keys of `kind` other readers of the import define; asked once this reader has read its files. */
  lookup(kind: RecordKindName, keys: string[]): Promise<Set<string>>;
  /** Called when this reader has read its files, with the lookup other readers may use from then on. */
  onRead(has: (kind: RecordKindName, keys: readonly string[]) => string[]): void;
}

/** One file of an import with the importer that reads it. */
export interface PlannedFile {
  file: InputFile;
  importer: Importer;
  order: number;
}

/** The files of an import in reading order, what was left out, and the problems found while planning. */
export interface ImportPlan {
  files: PlannedFile[];
  skipped: ImportResult['skipped'];
  problems: Problem[];
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

/** Lists the files under `paths` and hands each to the importer that recognizes it best, in reading order. */
export async function planImport(paths: readonly string[], importers: readonly Importer[] = IMPORTERS): Promise<ImportPlan> {
  const listed = (await Promise.all(paths.map((p) => listFiles(p, true)))).flat();
  const files: PlannedFile[] = [];
  const skipped: ImportResult['skipped'] = [];
  const problems: Problem[] = [];
  for (const l of listed) {
    const file = await inputFile(l.path, l.explicit);
    let best: Importer | undefined;
    let score = 0;
    for (const imp of importers) {
      const s = imp.recognize(file);
      if (s > score) [best, score] = [imp, s];
    }
    if (best) files.push({ file, importer: best, order: best.order(file) });
    else if (file.explicit) problems.push({ code: 'HG_ERR_UNRECOGNIZED_FILE', message: 'no importer recognizes this file (see docs/workspace-format.md)', location: { file: file.path } });
    else skipped.push({ path: file.path, reason: 'not recognized' });
  }
  files.sort((a, b) => a.order - b.order);
  return { files, skipped, problems };
}

/**
 * Splits planned files among `count` readers that run at the same time. Only
 * files that each hold one known kind can be split, and every file of a kind
 * goes to the same reader, so each reader alone sees every key of its kinds
 * (duplicates stay exact) and asks the others only for keys it references.
 * Kinds are dealt largest first to the reader with the fewest bytes so far.
 * Returns one list (everything in one reader) when the files cannot be split.
 */
export function shardPlan(files: readonly PlannedFile[], count: number): PlannedFile[][] {
  const kinds = files.map((p) => p.importer.soleKind?.(p.file));
  if (count < 2 || kinds.some((k) => k === undefined)) return [[...files]];
  const bytes = new Map<RecordKindName, number>();
  files.forEach((p, i) => bytes.set(kinds[i]!, (bytes.get(kinds[i]!) ?? 0) + p.file.size));
  if (bytes.size < 2) return [[...files]];
  const load = new Array<number>(Math.min(count, bytes.size)).fill(0);
  const readerOf = new Map<RecordKindName, number>();
  for (const [kind, size] of [...bytes].sort((a, b) => b[1] - a[1])) {
    const r = load.indexOf(Math.min(...load));
    readerOf.set(kind, r);
    load[r]! += size;
  }
  return load.map((_, r) => files.filter((_, i) => readerOf.get(kinds[i]!) === r));
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
  return readPlan(await planImport(paths, opts.importers ?? IMPORTERS), sink, opts);
}

/**
 * Reads planned files as runImport describes. With `peers`, this is one reader
 * of a parallel import (see shardPlan): references to keys this reader does
 * not define are looked up among the other readers before the database.
 */
export async function readPlan(
  planned: ImportPlan,
  sink: ImportSink,
  opts: ImportOptions & { peers?: ImportPeers } = {},
): Promise<ImportResult> {
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
  for (const p of planned.problems) report(p.code, p.message, p.location);
  const plan = planned.files;
  const skipped = planned.skipped;
  const warnings: ImportResult['warnings'] = [];
  let warningCount = 0;

  const bytesTotal = plan.reduce((s, p) => s + p.file.size, 0);
  let bytesBefore = 0;
  let records = 0;
  /** Kinds this run imported records of; each counts its distinct keys (a record merged twice is one record). */
  const counted = new Set<RecordKindName>();
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
  const pending: Pending = new Map(RECORD_KINDS.map((k) => [k.name, new Map()]));

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
        const validKeys: string[] = [];
        for (const c of batch.items) {
          const parsed = kind.schema.safeParse(c.value);
          if (!parsed.success) {
            for (const p of zodProblems(c, parsed.error.issues as never)) report(p.code, p.message, p.location);
            continue;
          }
          const rec = parsed.data as Record<string, unknown>;
          // Detached up front: the copy's hash, computed by the lookup, then serves the insert too.
          const key = detach(kind.key(rec as never));
          const prior = keys.get(key);
          // A key first given by a merge batch (a partial export) may still get its whole record once.
          if (prior !== undefined && !batch.merge && !mergedOnly.has(prior)) {
            const pf = plan[fileOfWhole.get(prior) ?? fileOfOrdinal(fileStarts, prior)]!.file.path;
            report('HG_ERR_DUPLICATE_KEY', `${kind.name} "${key}" is already defined at ${pf}:${ordLines[prior]}`, { ...c.location, field: 'id' });
            continue;
          }
          if (prior === undefined) {
            keys.set(key, ordLines.length);
            if (batch.merge) mergedOnly.add(ordLines.length);
            ordLines.push(c.location.line ?? 0);
          } else if (!batch.merge) {
            mergedOnly.delete(prior);
            ordLines[prior] = c.location.line ?? 0;
            fileOfWhole.set(prior, fi);
          }
          checkRefs(kind, rec, c, seen, pending);
          valid.push(rec);
          validKeys.push(key);
        }
        records += batch.items.length;
        if (problems.length === 0 && valid.length) {
          if (batch.merge) await sink.merge(kind.name, valid, batch.merge, batch.newerBy);
          else await sink.write(kind.name, valid, validKeys);
        }
        if (valid.length) counted.add(kind.name);
      }
    } catch (e) {
      if (e instanceof HubguardError && e.userFault) report(e.code, e.text, e.location ?? { file: file.path });
      else throw e;
    }
    bytesBefore += file.size;
    progress(0);
  }

  opts.peers?.onRead((kind, keys) => keys.filter((k) => seen.get(kind)!.has(k)));
  await resolvePending(pending, seen, sink, report, opts.peers);
  if (problems.length) {
    // Report in reading order: by file as planned, then line and column.
    const order = new Map(plan.map((p, i) => [p.file.path, i]));
    const rank = (p: Problem) => order.get(p.location.file) ?? -1;
    problems.sort((a, b) => rank(a) - rank(b) || (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 1e9) - (b.location.column ?? 1e9));
    throw new ValidationFailed(problems);
  }
  const counts: ImportResult['counts'] = {};
  for (const k of counted) counts[k] = seen.get(k)!.size;
  return { counts, files: plan.map((p) => ({ path: p.file.path, importer: p.importer.name })), skipped, warnings, warningCount };
}

/** References not (yet) resolved within the import: per kind, key → where it was first referenced. */
type Pending = Map<RecordKindName, Map<string, Location>>;

function checkRefs(kind: RecordKind, rec: Record<string, unknown>, c: Candidate, seen: Map<RecordKindName, Map<string, number>>, pending: Pending): void {
  for (const ref of kind.refs) {
    const to = typeof ref.to === 'function' ? ref.to(rec) : ref.to;
    if (!to) continue;
    const v = rec[ref.field];
    if (v === undefined || v === null) continue;
    const known = seen.get(to)!;
    // A reference field holds one key or a list of them (backup.assets).
    if (Array.isArray(v)) {
      for (const key of v) if (!known.has(String(key))) addPending(pending.get(to)!, String(key), c, ref.field);
    } else if (!known.has(v as string)) addPending(pending.get(to)!, String(v), c, ref.field);
  }
}

function addPending(pending: Map<string, Location>, key: string, c: Candidate, field: string): void {
  if (!pending.has(key)) pending.set(detach(key), { ...(c.locate?.([field]) ?? c.location), field });
}

async function resolvePending(
  pending: Pending,
  seen: Map<RecordKindName, Map<string, number>>,
  sink: ImportSink,
  report: (code: ErrorCode, message: string, location: Location) => void,
  peers?: ImportPeers,
): Promise<void> {
  for (const [kind, refs] of pending) {
    const known = seen.get(kind)!;
    const all = [...refs].filter(([key]) => !known.has(key)).map(([key, location]) => ({ key, location })); // defined later in the same import
    if (all.length === 0) continue;
    const elsewhere = peers ? await peers.lookup(kind, all.map((p) => p.key)) : undefined;
    const list = elsewhere ? all.filter((p) => !elsewhere.has(p.key)) : all;
    if (list.length === 0) continue;
    const found = await sink.existing(kind, list.map((p) => p.key));
    for (const p of list) {
      if (!found.has(p.key)) report('HG_ERR_DANGLING_REF', `no ${kind} "${p.key}" in this import or in the database`, p.location);
    }
  }
}
