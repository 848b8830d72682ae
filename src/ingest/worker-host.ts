import { Worker } from 'node:worker_threads';
import { HubguardError, ValidationFailed, type RecordKindName } from '../core/index.js';
import type { ImportProgress, ImportResult } from './run.js';
import type { FromWorker, SerializedRow, ToWorker, WorkerStart } from './worker-protocol.js';

/** Old-generation limit of the import worker, in MB. */
const WORKER_HEAP_MB = 1024;

/** Where serialized rows go on the main thread (the store, inside one transaction). */
export interface RowSink {
  rows(kind: RecordKindName, rows: SerializedRow[], merge?: readonly string[]): Promise<void>;
  existing(kind: RecordKindName, keys: string[]): Promise<Map<string, string>>;
}

/**
 * Runs an import with parsing and validation in a worker thread and the writes
 * on this thread. Messages are handled strictly in order; the result, the
 * problems (ValidationFailed) or the error are those runImport would give.
 */
export function runImportInWorker(
  paths: string[],
  sink: RowSink,
  opts: { customer?: string; onProgress?: (p: ImportProgress) => void } = {},
): Promise<ImportResult> {
  // From TypeScript sources (tsx, tests) the worker boots through a shim that registers tsx.
  const url = new URL(import.meta.url.endsWith('.ts') ? './worker-boot.mjs' : './worker.js', import.meta.url);
  // The worker's live data is small (one file's text and the key sets); a bounded old
  // generation makes V8 collect as it goes instead of letting garbage grow the process.
  const worker = new Worker(url, {
    workerData: { paths, customer: opts.customer } satisfies WorkerStart,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  const post = (m: ToWorker) => worker.postMessage(m);
  return new Promise<ImportResult>((resolve, reject) => {
    let queue = Promise.resolve();
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      fn();
    };
    const handle = async (m: FromWorker) => {
      switch (m.type) {
        case 'rows':
          await sink.rows(m.kind, m.rows, m.merge);
          post({ type: 'ack' });
          return;
        case 'existing':
          post({ type: 'reply', id: m.id, value: [...(await sink.existing(m.kind, m.keys))] });
          return;
        case 'progress':
          opts.onProgress?.(m.progress);
          return;
        case 'done':
          return finish(() => resolve(m.result));
        case 'problems':
          return finish(() => reject(new ValidationFailed(m.problems)));
        case 'error':
          return finish(() => reject(new HubguardError(m.code, m.text.replace(/^[^:]*: /, ''), m.location)));
        case 'crash':
          return finish(() => reject(new HubguardError('HG_ERR_INTERNAL', `import worker: ${m.message}`)));
      }
    };
    worker.on('message', (m: FromWorker) => {
      queue = queue.then(() => handle(m)).catch((e) => finish(() => reject(e)));
    });
    worker.on('error', (e) => finish(() => reject(new HubguardError('HG_ERR_INTERNAL', `import worker: ${e.message}`, undefined, { cause: e }))));
    worker.on('exit', (code) => finish(() => reject(new HubguardError('HG_ERR_INTERNAL', `import worker exited with code ${code}`))));
  });
}
