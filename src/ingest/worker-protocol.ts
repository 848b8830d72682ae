import type { ErrorCode, Location, Problem, RecordKindName } from '../core/index.js';
import type { ImportProgress, ImportResult } from './run.js';

/** What the main thread gives the import worker. */
export interface WorkerStart {
  paths: string[];
  customer?: string;
}

/** One serialized record: tenant, natural key, JSON of the validated record. */
export type SerializedRow = [tenant: string, key: string, json: string];

/** Messages from the import worker to the main thread. */
export type FromWorker =
  | { type: 'rows'; kind: RecordKindName; rows: SerializedRow[]; merge?: readonly string[] }
  | { type: 'existing'; id: number; kind: RecordKindName; keys: string[] }
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'done'; result: ImportResult }
  | { type: 'problems'; problems: Problem[] }
  | { type: 'error'; code: ErrorCode; text: string; location?: Location }
  | { type: 'crash'; message: string };

/** Messages from the main thread to the import worker. */
export type ToWorker = { type: 'ack' } | { type: 'reply'; id: number; value: unknown };
