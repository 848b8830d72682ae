/**
 * One reader of an import, in a worker thread: reading, parsing and validating
 * its files runs here while the main thread writes to the database, and large
 * imports have several readers (see shardPlan).
 * Validated records cross the thread boundary with their keys, as objects or as
 * JSON (see RecordBatch).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { recordKind, HubguardError, ValidationFailed, type RecordKindName } from '../core/index.js';
import { readPlan, type ImportOptions, type ImportPeers } from './run.js';
import { IMPORTERS } from './registry.js';
import type { FromWorker, RecordBatch, ToWorker, WorkerStart } from './worker-protocol.js';

const port = parentPort!;
const start = workerData as WorkerStart;
/** Batches the main thread may hold unacknowledged: bounds memory when the database is the slower side. */
const MAX_IN_FLIGHT = 8;
/**
 * With this many batches sent and not yet written the writer is the slower side,
 * so the reader serializes the next batch itself; below it, the reader is the
 * slower side and leaves that to the writer (see RecordBatch).
 */
const JSON_BACKLOG = 2;
/** Batches sent, and (shared with the main thread, which counts them as it writes them) batches written. */
let sent = 0;
const written = new Int32Array(start.written);
/**
 * The writer's backlog as of now. Read from shared memory, not from the 'ack'
 * messages: a busy reader handles those only when it next waits for input.
 */
const backlog = () => sent - Atomics.load(written, 0);

let nextId = 1;
const waiting = new Map<number, (value: unknown) => void>();
let inFlight = 0;
let drained: (() => void) | undefined;

let has: ((kind: RecordKindName, keys: readonly string[]) => string[]) | undefined;

port.on('message', (m: ToWorker) => {
  if (m.type === 'has') {
    port.postMessage({ type: 'has-reply', id: m.id, keys: has?.(m.kind, m.keys) ?? [] } satisfies FromWorker);
  } else if (m.type === 'ack') {
    inFlight--;
    drained?.();
    drained = undefined;
  } else if (m.type === 'reply') {
    waiting.get(m.id)?.(m.value);
    waiting.delete(m.id);
  }
});

const ask = <T>(msg: { type: 'existing' | 'lookup'; kind: RecordKindName; keys: string[] }): Promise<T> =>
  new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve as (v: unknown) => void);
    port.postMessage({ ...msg, id });
  });

/** Records per message: a thousand rows per database round trip, while short-lived enough not to burden the collector. */
const SEND_ROWS = 1000;
let pending: { kind: RecordKindName; merge?: readonly string[]; newerBy?: string; batch: RecordBatch } | undefined;

const flush = async () => {
  if (!pending?.batch.keys.length) return;
  const { kind, batch, merge, newerBy } = pending;
  pending = undefined;
  while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (drained = r));
  inFlight++;
  sent++;
  port.postMessage({ type: 'rows', kind, batch, merge, newerBy } satisfies FromWorker);
};

/** Adds records to the batch being built, with their keys (given by the run, else computed). */
const send = async (kind: RecordKindName, records: object[], keys?: readonly string[], merge?: readonly string[], newerBy?: string) => {
  if (pending && (pending.kind !== kind || pending.merge !== merge || pending.newerBy !== newerBy)) await flush();
  const batch = (pending ??= { kind, merge, newerBy, batch: backlog() >= JSON_BACKLOG ? { keys: [], tenants: [], json: [] } : { keys: [], records: [] } }).batch;
  const key = recordKind(kind).key;
  for (let i = 0; i < records.length; i++) {
    const rec = records[i] as Record<string, unknown>;
    batch.keys.push(keys?.[i] ?? key(rec as never));
    if ('records' in batch) batch.records.push(rec);
    else {
      batch.tenants.push(String(kind === 'organization' ? rec.id : rec.tenant));
      batch.json.push(JSON.stringify(rec));
    }
  }
  if (batch.keys.length >= SEND_ROWS) await flush();
};

const peers: ImportPeers = {
  lookup: async (kind, keys) => new Set(await ask<string[]>({ type: 'lookup', kind, keys })),
  onRead: (fn) => {
    has = fn;
    port.postMessage({ type: 'read' } satisfies FromWorker);
  },
};
const opts: ImportOptions & { peers?: ImportPeers } = {
  customer: start.customer,
  onProgress: (p) => port.postMessage({ type: 'progress', progress: p } satisfies FromWorker),
  ...(start.parallel ? { peers } : {}),
};
const importerNamed = new Map(IMPORTERS.map((i) => [i.name, i]));

try {
  const files = start.files.map((f) => ({ ...f, importer: importerNamed.get(f.importer)! }));
  const result = await readPlan(
    { files, skipped: [], problems: [] },
    {
      write: (kind, records, keys) => send(kind, records, keys),
      merge: (kind, records, fields, newerBy) => send(kind, records, undefined, fields, newerBy),
      existing: async (kind, keys) => new Map(await ask<[string, string][]>({ type: 'existing', kind, keys })),
    },
    opts,
  );
  await flush();
  while (inFlight > 0) await new Promise<void>((r) => (drained = r));
  port.postMessage({ type: 'done', result } satisfies FromWorker);
} catch (e) {
  if (e instanceof ValidationFailed) port.postMessage({ type: 'problems', problems: e.problems } satisfies FromWorker);
  else if (e instanceof HubguardError) port.postMessage({ type: 'error', code: e.code, text: e.text, location: e.location } satisfies FromWorker);
  else port.postMessage({ type: 'crash', message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies FromWorker);
}
