import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { HubguardError, type ErrorCode } from '../core/index.js';

/** A YAML file parsed with enough bookkeeping to point at the line of any value. */
export interface YamlSource {
  /** The document as plain data, ready for a zod schema. */
  readonly data: unknown;
  /** 1-based line and column of the value at `path`, or of its nearest existing ancestor. */
  locate(path: readonly PropertyKey[]): { line: number; column: number };
}

/**
 * Parses YAML for a catalog file. Malformed YAML (including a repeated key, which
 * the yaml package rejects by default) throws `code` with the line of the first
 * error, so that every catalog (controls, and later scenarios or questionnaires)
 * reports bad content the same way.
 */
export function readYaml(text: string, file: string, code: ErrorCode): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    // The yaml package appends "at line N, column M:" and a code excerpt; the
    // location already says where, so keep only the first sentence.
    const reason = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new HubguardError(code, `malformed YAML: ${reason}`, { file, line: pos.line, column: pos.col });
  }
  let data: unknown;
  try {
    // Aliases are not needed in catalog content; a low cap defuses alias bombs.
    data = doc.toJS({ maxAliasCount: 20 });
  } catch (e) {
    throw new HubguardError(code, `malformed YAML: ${(e as Error).message}`, { file }, { cause: e });
  }
  return {
    data,
    locate: (path) => {
      const pos = lineCounter.linePos(offsetOf(doc, path));
      return { line: pos.line, column: pos.col };
    },
  };
}

/**
 * Walks `path` through the document and returns the start offset of the deepest
 * node found. For a mapping entry it is the key's offset, so that a block value
 * (which starts on the next line) is reported on the line that names it; a path
 * into a missing key stops at the parent, which is where the key should be.
 */
function offsetOf(doc: Document, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = isNode(node) && node.range ? node.range[0] : 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!isNode(item)) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return offset;
}
