import { HubguardError, type Location } from '../../core/index.js';
import { jsonErrorOffset } from '../json-locate.js';
import { lineColumnAt } from '../text.js';
import type { ParseContext } from './records.js';

/** One entity of a collection response, with where it is in the file. */
export interface GraphItem {
  value: Record<string, unknown>;
  /** The line the entity starts on. */
  location: Location;
  /** Location of a value inside the entity (e.g. `['signInActivity', 'lastSignInDateTime']`). */
  locate(path: readonly (string | number)[]): Location;
}

/** The entities of a saved collection response, and the `@odata.context` of its pages. */
export interface GraphCollection {
  items: GraphItem[];
  contexts: string[];
}

/** Deepest entity: page / value / entity. Deeper values are indexed per entity, when asked for. */
const ENTITY_DEPTH = 3;
/** Depth indexed inside one entity (a GDAP role sits five keys down: accessAssignments/i/accessDetails/unifiedRoles/j). */
const FIELD_DEPTH = 6;
const SEP = '\u0000';

/** End (index of the closing quote) of the JSON string opening at `i`. JSON strings hold no raw newline. */
function stringEnd(text: string, i: number): number {
  let j = text.indexOf('"', i + 1);
  while (j > 0) {
    let k = j - 1;
    while (text.charCodeAt(k) === 92) k--;
    if ((j - k) % 2 === 1) return j; // an even number of backslashes: the quote is not escaped
    j = text.indexOf('"', j + 1);
  }
  return text.length;
}

/**
 * Visits every JSON value of the value starting at `from`, up to a depth, with
 * its path key, line and offset; stops when that value ends. Containers deeper
 * than the depth are skipped by counting brackets. A linear scan of text
 * already known to be valid JSON, so it never needs a second parser (and never
 * the YAML one, which is slow on large exports).
 */
function scanJson(text: string, from: number, firstLine: number, maxDepth: number, visit: (key: string, line: number, offset: number) => void): void {
  const stack: { arr: boolean; idx: number; key: string; wantKey: boolean; prefix: string }[] = [];
  let line = firstLine;
  const n = text.length;
  const keyOf = () => {
    const f = stack[stack.length - 1];
    if (!f) return '';
    const own = f.arr ? String(f.idx) : f.key;
    return stack.length === 1 ? own : `${f.prefix}${SEP}${own}`;
  };
  let started = false;
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 58) continue;
    const top = stack[stack.length - 1];
    if (c === 44) {
      if (top) {
        if (top.arr) top.idx++;
        else top.wantKey = true;
      }
      continue;
    }
    if (c === 125 || c === 93) {
      stack.pop();
      if (stack.length === 0) return;
      continue;
    }
    if (started && stack.length === 0) return;
    started = true;
    if (c === 34) {
      const j = stringEnd(text, i);
      if (top && !top.arr && top.wantKey) {
        const raw = text.slice(i + 1, j);
        top.key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        top.wantKey = false;
      } else if (stack.length <= maxDepth) visit(keyOf(), line, i);
      i = j;
      continue;
    }
    if (stack.length <= maxDepth) visit(keyOf(), line, i);
    if (c === 123 || c === 91) {
      if (stack.length < maxDepth) {
        stack.push({ arr: c === 91, idx: 0, key: '', wantKey: c === 123, prefix: keyOf() });
        continue;
      }
      // Deeper than indexed: skip the container, counting its lines.
      let depth = 0;
      for (; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 34) i = stringEnd(text, i);
        else if (d === 10) line++;
        else if (d === 123 || d === 91) depth++;
        else if ((d === 125 || d === 93) && --depth === 0) break;
      }
      if (stack.length === 0) return;
      continue;
    }
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
      j++;
    }
    i = j - 1;
    if (stack.length === 0) return;
  }
}

/** Line of every JSON value up to a depth, keyed by its path (keys and indexes joined by NUL). */
export function jsonLineIndex(text: string, firstLine = 1, maxDepth = FIELD_DEPTH): Map<string, number> {
  const out = new Map<string, number>();
  scanJson(text, 0, firstLine, maxDepth, (k, line) => {
    if (!out.has(k)) out.set(k, line);
  });
  return out;
}

function jsonError(text: string, file: string, firstLine = 1): HubguardError {
  const off = jsonErrorOffset(text);
  const at = lineColumnAt(text, off < 0 ? text.length : off);
  const near = off >= 0 && off < text.length ? `unexpected ${JSON.stringify(text.slice(off, off + 12))}` : 'unexpected end of input';
  return new HubguardError('HG_ERR_JSON', near, { file, line: at.line + firstLine - 1, column: at.column });
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A parsed JSON document (or one JSON line) with the line and offset of its values down to the entities. */
interface Doc {
  value: unknown;
  text: string;
  at: Map<string, { line: number; offset: number }>;
  firstLine: number;
}

/**
 * Indexes a document down to its entities only — one page (`value`/i: depth 2),
 * an array of pages (depth 3) or a bare array (depth 1) — so that the fields
 * of a large export are skipped, not indexed.
 */
function doc(value: unknown, text: string, firstLine: number, listKey: string): Doc {
  const pages = Array.isArray(value) && value.length > 0 && value.every((p) => isObject(p) && listKey in p);
  const depth = isObject(value) ? 2 : pages ? ENTITY_DEPTH : 1;
  const at = new Map<string, { line: number; offset: number }>();
  scanJson(text, 0, firstLine, depth, (k, line, offset) => {
    if (!at.has(k)) at.set(k, { line, offset });
  });
  return { value, text, at, firstLine };
}

/** Parses a whole file as one JSON document, or as JSON lines (one page per line). */
function parseDocs(text: string, file: string, listKey: string): Doc[] {
  const body = text.replace(/^\uFEFF/, '');
  const start = body.search(/\S/);
  if (start < 0) throw new HubguardError('HG_ERR_JSON', 'empty file: expected a JSON response', { file, line: 1 });
  let whole: unknown;
  let ok = false;
  try {
    whole = JSON.parse(body);
    ok = true;
  } catch {
    // Not one document: JSON lines (each line a page), or malformed.
  }
  if (ok) return [doc(whole, body, 1, listKey)];
  const lines = body.split('\n');
  const firstLine = lines.findIndex((l) => l.trim());
  let firstOk = false;
  try {
    firstOk = isObject(JSON.parse(lines[firstLine]!));
  } catch {
    firstOk = false;
  }
  if (!firstOk) throw jsonError(body, file);
  const docs: Doc[] = [];
  lines.forEach((l, i) => {
    if (!l.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch {
      throw jsonError(l, file, i + 1);
    }
    docs.push(doc(v, l, i + 1, listKey));
  });
  return docs;
}

/**
 * Locates values of one entity: its own line from the document index, deeper
 * values from an index of the entity's text built on first use.
 */
function locator(d: Doc, file: string, prefix: readonly (string | number)[]) {
  const own = d.at.get(prefix.map(String).join(SEP));
  let deep: Map<string, number> | undefined;
  return (path: readonly (string | number)[]): Location => {
    if (!own) return { file, line: d.firstLine };
    if (path.length === 0) return { file, line: own.line };
    if (!deep) {
      const m = new Map<string, number>();
      scanJson(d.text, own.offset, own.line, FIELD_DEPTH, (k, line) => {
        if (!m.has(k)) m.set(k, line);
      });
      deep = m;
    }
    const keys = path.map(String);
    for (let n = keys.length; n > 0; n--) {
      const line = deep.get(keys.slice(0, n).join(SEP));
      if (line !== undefined) return { file, line };
    }
    return { file, line: own.line };
  };
}

/**
 * Reads a collection response as a user saves it from Microsoft Graph (or
 * Partner Center): one page `{"@odata.context": …, "value": [...]}`, a JSON array
 * of such pages, JSON lines with one page per line, or a bare array of entities.
 * `@odata.nextLink` is ignored: every page must be in the file. `listKey` is the
 * property holding the entities (`value` in Graph, `items` in Partner Center).
 * Malformed JSON throws a located HG_ERR_JSON; a wrong shape is reported as a
 * problem and yields no entities.
 */
export function readCollection(text: string, file: string, ctx: ParseContext, listKey = 'value'): GraphCollection {
  const items: GraphItem[] = [];
  const contexts: string[] = [];
  const take = (d: Doc, list: unknown, prefix: (string | number)[]) => {
    if (!Array.isArray(list)) {
      ctx.problem('HG_ERR_VALIDATION', `expected "${listKey}" to be a list of entities`, locator(d, file, prefix)([]));
      return;
    }
    list.forEach((v, i) => {
      const at = locator(d, file, [...prefix, i]);
      if (!isObject(v)) {
        ctx.problem('HG_ERR_VALIDATION', 'expected an object', at([]));
        return;
      }
      items.push({ value: v, location: at([]), locate: at });
    });
  };
  const page = (d: Doc, p: Record<string, unknown>, prefix: (string | number)[]) => {
    const c = p['@odata.context'];
    if (typeof c === 'string') contexts.push(c);
    take(d, p[listKey], [...prefix, listKey]);
  };
  for (const d of parseDocs(text, file, listKey)) {
    const v = d.value;
    if (isObject(v)) {
      if (listKey in v) page(d, v, []);
      else ctx.problem('HG_ERR_VALIDATION', `expected a collection response with a "${listKey}" list (see docs/identity-imports.md)`, { file, line: d.firstLine });
    } else if (Array.isArray(v)) {
      const pages = v.length > 0 && v.every((p) => isObject(p) && listKey in p);
      if (pages) v.forEach((p, i) => page(d, p as Record<string, unknown>, [i]));
      else take(d, v, []);
    } else {
      ctx.problem('HG_ERR_VALIDATION', `expected a collection response with a "${listKey}" list`, { file, line: d.firstLine });
    }
  }
  return { items, contexts };
}

/** The `@odata.context` of the first page in the start of a file, for recognition. */
export function sniffContext(head: string): string | undefined {
  return /"@odata\.context"\s*:\s*"([^"]*)"/.exec(head)?.[1];
}
