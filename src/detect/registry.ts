/**
 * The parsers the pipeline uses, behind one small interface so that tests and
 * embedders can pass their own. The default is the parser registry of
 * src/detect/parse.
 */
import type { AuthEvent } from './event.js';
import type { LineParser, ParseContext, Skip } from './parse/types.js';
import { detectFormat, EVTX_FORMAT, formatNames, parseEvtx, parserByName } from './parse/index.js';

/** What the pipeline needs from the parsers. */
export interface ParserRegistry {
  /** Names the format of a file from a sample of its first lines (and its name); undefined when none fits. */
  detectFormat(sample: string[], fileName: string): string | undefined;
  /** The line parser of a format name or alias (`--format`). */
  parserByName(name: string): LineParser | undefined;
  /** Names accepted by `--format`. */
  names(): string[];
  /** Format name of whole-file EVTX input, when supported. */
  evtxFormat?: string;
  /** Reads a whole EVTX file (`ElfFile\0` magic), when supported. */
  evtx?: (bytes: Uint8Array, ctx: ParseContext) => Iterable<AuthEvent | Skip> | AsyncIterable<AuthEvent | Skip>;
}

/** A registry over a list of line parsers, detected in order. */
export function registryOf(parsers: readonly LineParser[], evtx?: ParserRegistry['evtx']): ParserRegistry {
  return {
    detectFormat: (sample) => parsers.find((p) => p.detect(sample))?.name,
    parserByName: (name) => parsers.find((p) => p.name === name),
    names: () => parsers.map((p) => p.name),
    evtxFormat: evtx ? 'windows-evtx' : undefined,
    evtx,
  };
}

/** The default registry: every parser of src/detect/parse, and its EVTX reader. */
export const defaultRegistry: ParserRegistry = {
  detectFormat: (sample, fileName) => detectFormat(sample, fileName),
  parserByName: (name) => parserByName(name),
  names: formatNames,
  evtxFormat: EVTX_FORMAT,
  evtx: (bytes, ctx) => parseEvtx(bytes, ctx.file, { tenant: ctx.tenant, fileTime: ctx.fileTime }),
};
