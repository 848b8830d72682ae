import type { Location, RecordKindName } from '../core/index.js';

/** A file offered to the importers: its path, size and first bytes. */
export interface InputFile {
  path: string;
  /** Base name, e.g. `identities.csv`. */
  name: string;
  size: number;
  /** The first few KiB, decoded leniently, for content sniffing. */
  head: string;
  /** True when the user named the file itself rather than a folder holding it. */
  explicit: boolean;
}

/** A candidate record with where it came from; the import run validates it against its kind's schema. */
export interface Candidate {
  value: unknown;
  location: Location;
  /** Location of a field inside the record, for precise messages. */
  locate?: (path: readonly (string | number)[]) => Location;
}

/** Candidates of one kind read from one file. */
export interface CandidateBatch {
  kind: RecordKindName;
  items: Candidate[];
  /**
   * Merge semantics, for exports that describe only part of a record or a record
   * other exports describe too (MFA registration details, roles and groups named
   * by several exports). When set, a record whose key already exists (earlier in
   * this import, or stored by an earlier one) gets only these fields updated and
   * keeps the rest; a key repeated across merge batches of one import is not a
   * duplicate. A record that does not exist yet is inserted whole, so every
   * candidate must still be a complete record. `[]` means "insert if missing,
   * otherwise leave as is". Absent: the record is replaced whole (the default).
   */
  merge?: string[];
  /**
   * With `merge`: a timestamp field of the records (e.g. `observedAt`). When the
   * stored record (or an earlier one of this import) is later by this field, the
   * incoming one only fills in the merge fields the stored one lacks: an older
   * observation imported after a newer one adds what it knew and rolls nothing back.
   */
  newerBy?: string;
}

/** What an importer may ask of the run it is part of. */
export interface ImportContext {
  /** The customer (tenant) named with `--customer`, for files that do not name their tenant. */
  customer?: string;
  /** Reports bytes of this file consumed so far. */
  progress(bytesDone: number): void;
  /** Records a problem; the run goes on so that every problem is reported. */
  problem(code: import('../core/index.js').ErrorCode, message: string, location: Location): void;
  /**
   * Records something the user should know that does not stop the import: a
   * record left out on purpose, an ignored value, an export that looks truncated.
   */
  warn?(message: string, location: Location): void;
}

/**
 * One importer per input format. `hubguard import` offers every file to every
 * importer and hands it to the one that recognizes it with the highest
 * confidence, so new formats plug in by being added to the registry.
 */
export interface Importer {
  name: string;
  /** 0 when the file is not for this importer; up to 100 when certain (by name and content). */
  recognize(file: InputFile): number;
  /** Order among files of one run: lower runs first, so referenced records exist before references. */
  order(file: InputFile): number;
  read(file: InputFile, ctx: ImportContext): AsyncIterable<CandidateBatch>;
  /**
   * The one record kind this file holds, when the importer knows it from the
   * file alone and never merges: such files may be read in parallel, each kind
   * by one reader (see shardPlan). Absent when unknown.
   */
  soleKind?(file: InputFile): RecordKindName | undefined;
}
