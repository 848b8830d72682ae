import type { ErrorCode, Location, Problem, RecordKindName } from '../core/index.js';
import type { InputFile } from './importer.js';
import type { ImportProgress, ImportResult } from './run.js';

/** What the main thread gives one import reader: its share of the planned files. */
export interface WorkerStart {
  files: { file: InputFile; importer: string; order: number }[];
  customer?: string;
  /** True when other readers read the rest of the import at the same time. */
  parallel: boolean;
  /** Send records as JSON, serialized by the reader, instead of as objects (see RecordBatch). */
  json: boolean;
}

/**
 * Validated records of one kind from a reader; `keys[i]` is the natural key of
 * record i. Records go as objects, which the writing thread serializes, when it
 * has time to spare (SQLite: measured about 7 % faster on the 5,000-customer
 * demo); as JSON when the reader has (PostgreSQL, whose server needs the cores:
 * objects were about 15 % slower there).
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
