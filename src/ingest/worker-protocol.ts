import type { ErrorCode, Location, Problem, RecordKindName } from '../core/index.js';
import type { InputFile } from './importer.js';
import type { ImportProgress, ImportResult } from './run.js';

/** What the main thread gives one import reader: its share of the planned files. */
export interface WorkerStart {
  files: { file: InputFile; importer: string; order: number }[];
  customer?: string;
  /** True when other readers read the rest of the import at the same time. */
  parallel: boolean;
  /** One Int32 the main thread adds 1 to whenever it has written a batch of this reader's. */
  written: SharedArrayBuffer;
}

/**
 * Validated records of one kind from a reader; `keys[i]` is the natural key of
 * record i. Whichever side is the slower one is spared the serializing: records
 * go as objects, which the writing thread turns into JSON, while it keeps up
 * with the reader, and as JSON, serialized by the reader, while batches queue up
 * for the writer. (On the 5,000-customer demo, objects alone were about 7 %
 * faster into SQLite and JSON alone about 15 % faster into PostgreSQL, whose
 * server needs the cores.)
 */
export type RecordBatch = { keys: string[]; records: object[] } | { keys: string[]; tenants: string[]; json: string[] };

/** Messages from an import reader to the main thread. */
export type FromWorker =
  | { type: 'rows'; kind: RecordKindName; batch: RecordBatch; merge?: readonly string[]; newerBy?: string }
  | { type: 'existing'; id: number; kind: RecordKindName; keys: string[] }
  | { type: 'progress'; progress: ImportProgress }
  /** This reader has read its files; it answers `has` from now on. */
  | { type: 'read' }
  /** Which of these keys do the other readers define? (answered with a reply holding a string[]) */
  | { type: 'lookup'; id: number; kind: RecordKindName; keys: string[] }
  | { type: 'has-reply'; id: number; keys: string[] }
  | { type: 'done'; result: ImportResult }
  | { type: 'problems'; problems: Problem[] }
  | { type: 'error'; code: ErrorCode; text: string; location?: Location }
  | { type: 'crash'; message: string };

/** Messages from the main thread to an import reader. */
export type ToWorker =
  | { type: 'ack' }
  | { type: 'reply'; id: number; value: unknown }
  /** Which of these keys of `kind` does this reader define? */
  | { type: 'has'; id: number; kind: RecordKindName; keys: string[] };
