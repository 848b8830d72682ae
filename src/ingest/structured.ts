import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { HubguardError, type Location } from '../core/index.js';
import { lineColumnAt } from './text.js';
import { jsonErrorOffset, jsonRecordOffsets } from './json-locate.js';

/** A parsed JSON or YAML document that can say where any value in it is. */
export interface Located {
  value: unknown;
  /** Location of the value at a path (array indexes and keys), as precise as the document allows. */
  locate(path: readonly (string | number)[]): Location;
  /**
   * Lines of the records of the list at the top level (key `''`) or under a
   * top-level key, when they can be had cheaply (JSON); records of other
   * documents are located with `locate`.
   */
  recordLines?(key: string): number[] | undefined;
}

/** The 1-based line of each (ascending) offset, in one pass over the text. */
function linesOf(text: string, offsets: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let at = 0;
  for (const off of offsets) {
    for (let k = text.indexOf('\n', at); k !== -1 && k < off; k = text.indexOf('\n', k + 1)) {
      line++;
      at = k + 1;
    }
    lines.push(line);
  }
  return lines;
}

/** YAML alias expansion limit: defuses "billion laughs" documents. */
const MAX_ALIASES = 100;

function yamlDoc(text: string, file: string): { doc: Document; lc: LineCounter } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, schema: 'core', strict: true });
  const err = doc.errors[0];
  if (err) {
    const pos = lc.linePos(err.pos[0]);
    const code = err.code === 'DUPLICATE_KEY' ? 'HG_ERR_DUPLICATE_KEY' : 'HG_ERR_YAML';
    throw new HubguardError(code, err.message.split('\n')[0], { file, line: pos.line, column: pos.col });
  }
  return { doc, lc };
}

function locator(text: string, file: string, parsed?: { doc: Document; lc: LineCounter }) {
  let cache = parsed;
  return (path: readonly (string | number)[]): Location => {
    try {
      cache ??= yamlDoc(text, file);
      // Walk up the path until a node with a position is found.
      for (let n = path.length; n >= 0; n--) {
        const node = cache.doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) {
          const pos = cache.lc.linePos(node.range[0]);
          return { file, line: pos.line, column: pos.col };
        }
      }
    } catch {
      // The document parsed as JSON but not as YAML: fall back to the file alone.
    }
    return { file };
  };
}

/** Parses JSON strictly (JSON.parse), reporting syntax errors with line and column. */
export function parseJsonLocated(text: string, file: string): Located {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const off = jsonErrorOffset(text);
    const at = lineColumnAt(text, off < 0 ? text.length : off);
    const near = off >= 0 && off < text.length ? `unexpected ${JSON.stringify(text.slice(off, off + 12))}` : 'unexpected end of input';
    throw new HubguardError('HG_ERR_JSON', near, { file, ...at }, { cause: e });
  }
  let offsets: Map<string, number[]> | undefined;
  return {
    value,
    locate: locator(text, file),
    recordLines: (key) => {
      offsets ??= jsonRecordOffsets(text);
      const o = offsets.get(key);
      return o && linesOf(text, o);
    },
  };
}

/** Parses YAML (1.2 core schema, unique keys, bounded aliases), with located errors. */
export function parseYamlLocated(text: string, file: string): Located {
  const parsed = yamlDoc(text, file);
  let value: unknown;
  try {
    value = parsed.doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    throw new HubguardError('HG_ERR_YAML', (e as Error).message, { file });
  }
  return { value, locate: locator(text, file, parsed) };
}
