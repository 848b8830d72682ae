import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { HubguardError, ValidationFailed, type Problem, type RecordKindName } from '../core/index.js';
import { planImport, shardPlan, type ImportPlan, type ImportProgress, type ImportResult } from './run.js';
import type { FromWorker, RecordBatch, ToWorker, WorkerStart } from './worker-protocol.js';

/**
 * Old-generation limit of the import readers together, in MB (HUBGUARD_IMPORT_HEAP_MB): one
 * reader of the 5,000-customer demo holds about 280 MB of keys at its peak (about 230 bytes per
 * record), and a bounded old generation makes V8 collect as it goes instead of letting garbage
 * grow the process.
 */
const READERS_HEAP_MB = 768;
/** The least old generation a reader gets, however many there are (unless the budget is smaller). */
const MIN_READER_HEAP_MB = 384;
/**
 * Young generation of a reader, in MB. A reader allocates short-lived strings and
 * objects for every cell and record; a larger nursery than V8 gives a worker by
 * default means fewer scavenges and less promoted garbage (measured: about 10 %
 * less reader CPU on the 5,000-customer demo with 32 MB).
 */
const READER_YOUNG_MB = 32;
/** Below this many bytes an import has one reader: starting another costs more than it saves. */
const PARALLEL_MIN_BYTES = 16 << 20;
const MAX_WARNINGS = 200;
/** Problems listed at most, as runImport lists them. */
const MAX_PROBLEMS = 1000;

/** Where validated records go on the main thread (the store, inside one transaction). */
export interface RowSink {
  rows(kind: RecordKindName, batch: RecordBatch, merge?: readonly string[], newerBy?: string): Promise<void>;
  existing(kind: RecordKindName, keys: string[]): Promise<Map<string, string>>;
}

/** The readers' old-generation budget in MB: HUBGUARD_IMPORT_HEAP_MB, else READERS_HEAP_MB. */
function heapBudget(): number {
  const set = Number(process.env.HUBGUARD_IMPORT_HEAP_MB);
  return Number.isInteger(set) && set >= 64 ? set : READERS_HEAP_MB;
}

/**
 * Readers for a large import: HUBGUARD_IMPORT_READERS, else one per core beyond
 * the two that the writer and one reader use (at most three). A second reader
 * costs about 170 MB on the 5,000-customer demo and gains only where a core is
 * free for it (see docs/performance.md).
 */
function readerCount(): number {
  const set = Number(process.env.HUBGUARD_IMPORT_READERS);
  if (Number.isInteger(set) && set >= 1) return Math.min(set, 8);
  return Math.min(3, Math.max(1, availableParallelism() - 2));
}

/** Bytes of the files an import reads. */
export const planBytes = (plan: ImportPlan): number => plan.files.reduce((s, p) => s + p.file.size, 0);

/** How one reader ended. */
type Outcome = { result: ImportResult } | { problems: Problem[] } | { error: Error };

/**
 * Runs an import with reading, parsing and validation in worker threads and
 * the writes on this thread. A large import of files that each hold one kind
 * is split among several readers (see shardPlan); each reader's messages are
 * handled strictly in order. The result, the problems (ValidationFailed) or the
 * error are those runImport would give.
 */
export async function runImportInWorker(
  paths: string[] | ImportPlan,
  sink: RowSink,
  opts: {
    customer?: string;
    onProgress?: (p: ImportProgress) => void;
    /** Readers to use whatever the size. */
    readers?: number;
  } = {},
): Promise<ImportResult> {
  const plan = Array.isArray(paths) ? await planImport(paths) : paths;
  const bytes = planBytes(plan);
  const shards = shardPlan(plan.files, opts.readers ?? (bytes >= PARALLEL_MIN_BYTES ? readerCount() : 1));
  // From TypeScript sources (tsx, tests) a reader boots through a shim that registers tsx.
  const url = new URL(import.meta.url.endsWith('.ts') ? './worker-boot.mjs' : './worker.js', import.meta.url);
  const written = shards.map(() => new Int32Array(new SharedArrayBuffer(4)));
  const workers = shards.map(
    (files, i) =>
      new Worker(url, {
        workerData: {
          files: files.map((p) => ({ file: p.file, importer: p.importer.name, order: p.order })),
          customer: opts.customer,
          parallel: shards.length > 1,
          written: written[i]!.buffer as SharedArrayBuffer,
        } satisfies WorkerStart,
        resourceLimits: {
          maxYoungGenerationSizeMb: READER_YOUNG_MB,
          maxOldGenerationSizeMb: Math.max(Math.min(MIN_READER_HEAP_MB, heapBudget()), Math.floor(heapBudget() / shards.length)),
        },
      }),
  );
  const progress = workers.map((): ImportProgress => ({ file: '', bytesDone: 0, bytesTotal: 0, records: 0 }));
  const outcomes: (Outcome | undefined)[] = workers.map(() => undefined);
  let read = 0;
  let whenAllRead: (() => void)[] = [];
  let nextId = 1;
  const hasReplies = new Map<number, (keys: string[]) => void>();

  /** Asks every other reader which of `keys` it defines, once all have read their files. */
  const lookup = async (from: number, kind: RecordKindName, keys: string[]): Promise<string[]> => {
    if (read < workers.length) await new Promise<void>((r) => whenAllRead.push(r));
    const answers = await Promise.all(
      workers.map((w, i) =>
        i === from
          ? []
          : new Promise<string[]>((resolve) => {
              const id = nextId++;
              hasReplies.set(id, resolve);
              w.postMessage({ type: 'has', id, kind, keys } satisfies ToWorker);
            }),
      ),
    );
    return answers.flat();
  };

  try {
    await new Promise<void>((resolve, reject) => {
      let queue = Promise.resolve();
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        reject(e);
      };
      const end = (i: number, o: Outcome) => {
        outcomes[i] = o;
        if ('error' in o) fail(o.error);
        else if (!settled && outcomes.every(Boolean)) {
          settled = true;
          resolve();
        }
      };
      const handle = async (i: number, m: FromWorker) => {
        const post = (msg: ToWorker) => workers[i]!.postMessage(msg);
        switch (m.type) {
          case 'rows':
            await sink.rows(m.kind, m.batch, m.merge, m.newerBy);
            Atomics.add(written[i]!, 0, 1);
            post({ type: 'ack' });
            return;
          case 'existing':
            post({ type: 'reply', id: m.id, value: [...(await sink.existing(m.kind, m.keys))] });
            return;
          case 'lookup':
            // Not awaited: the answer waits for the other readers, whose rows must keep flowing meanwhile.
            void lookup(i, m.kind, m.keys).then((keys) => post({ type: 'reply', id: m.id, value: keys }), fail);
            return;
          case 'has-reply':
            hasReplies.get(m.id)?.(m.keys);
            hasReplies.delete(m.id);
            return;
          case 'read':
            if (++read === workers.length) for (const r of whenAllRead.splice(0)) r();
            return;
          case 'progress': {
            progress[i] = m.progress;
            const sum = (f: 'bytesDone' | 'bytesTotal' | 'records') => progress.reduce((s, p) => s + p[f], 0);
            opts.onProgress?.({ file: m.progress.file, bytesDone: sum('bytesDone'), bytesTotal: sum('bytesTotal'), records: sum('records') });
            return;
          }
          case 'done':
            return end(i, { result: m.result });
          case 'problems':
            return end(i, { problems: m.problems });
          case 'error':
            return end(i, { error: new HubguardError(m.code, m.text.replace(/^[^:]*: /, ''), m.location) });
          case 'crash':
            return end(i, { error: new HubguardError('HG_ERR_INTERNAL', `import worker: ${m.message}`) });
        }
      };
      workers.forEach((w, i) => {
        w.on('message', (m: FromWorker) => {
          queue = queue.then(() => handle(i, m)).catch((e: Error) => fail(e));
        });
        w.on('error', (e) => {
          const outOfMemory = (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
          const hint = outOfMemory ? ` (the readers may use ${heapBudget()} MB: import fewer files at once, or raise HUBGUARD_IMPORT_HEAP_MB)` : '';
          fail(new HubguardError('HG_ERR_INTERNAL', `import worker: ${e.message}${hint}`, undefined, { cause: e }));
        });
        w.on('exit', (code) => {
          if (!outcomes[i]) fail(new HubguardError('HG_ERR_INTERNAL', `import worker exited with code ${code}`));
        });
      });
    });
  } finally {
    whenAllRead = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return combine(plan, outcomes as Outcome[]);
}

/** One result (or one list of problems) from the readers' outcomes, in the plan's file order. */
function combine(plan: ImportPlan, outcomes: Outcome[]): ImportResult {
  const order = new Map(plan.files.map((p, i) => [p.file.path, i]));
  const rank = (path: string) => order.get(path) ?? -1;
  const all = [...plan.problems, ...outcomes.flatMap((o) => ('problems' in o ? o.problems : []))];
  if (all.length) {
    const tooMany = all.find((p) => p.code === 'HG_ERR_TOO_MANY_ERRORS');
    const problems = all.filter((p) => p !== tooMany && p.code !== 'HG_ERR_TOO_MANY_ERRORS');
    problems.sort(
      (a, b) =>
        rank(a.location.file) - rank(b.location.file) ||
        (a.location.line ?? 0) - (b.location.line ?? 0) ||
        (a.location.column ?? 1e9) - (b.location.column ?? 1e9),
    );
    // Each reader stops listing at MAX_PROBLEMS; together they list no more than one reader would.
    if (tooMany || problems.length > MAX_PROBLEMS) {
      problems.length = Math.min(problems.length, MAX_PROBLEMS);
      problems.push(tooMany ?? { code: 'HG_ERR_TOO_MANY_ERRORS', message: `more than ${MAX_PROBLEMS} problems; fix these first`, location: problems.at(-1)!.location });
    }
    throw new ValidationFailed(problems);
  }
  const results = outcomes.map((o) => (o as { result: ImportResult }).result);
  const counts: ImportResult['counts'] = {};
  for (const r of results) for (const [k, n] of Object.entries(r.counts)) counts[k as RecordKindName] = (counts[k as RecordKindName] ?? 0) + n;
  return {
    counts,
    files: results.flatMap((r) => r.files).sort((a, b) => rank(a.path) - rank(b.path)),
    skipped: plan.skipped,
    warnings: results.flatMap((r) => r.warnings).slice(0, MAX_WARNINGS),
    warningCount: results.reduce((s, r) => s + r.warningCount, 0),
  };
}
