import type { ErrorCode, Location, Problem, RecordKindName } from '../core/index.js';
import type { InputFile } from './importer.js';
import type { ImportProgress, ImportResult } from './run.js';

/** What the main thread gives one import reader: its share of the planned files. */
export interface WorkerStart {
  files: { file: InputFile; importer: string; order: number }[];
  customer?: string;
  /** True when other readers read the rest of the import at the same time. */
  parallel: boolean;
}

/** Messages from an import reader to the main thread. */
export type FromWorker =
  /** Validated records and their natural keys (`keys[i]` is the key of `records[i]`). */
  | { type: 'rows'; kind: RecordKindName; records: object[]; keys: string[]; merge?: readonly string[]; newerBy?: string }
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
