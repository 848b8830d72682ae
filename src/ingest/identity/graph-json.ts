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

/** Path depth to which lines are indexed: page / value / item and five levels inside it (GDAP roles sit four deep). */
const MAX_DEPTH = 8;
const SEP = '\u0000';

/**
 * Line of every JSON value up to a depth, keyed by its path. A linear scan of
 * text already known to be valid JSON, so it never needs a second parser (and
 * never the YAML one, which is slow on large exports).
 */
export function jsonLineIndex(text: string, firstLine = 1, maxDepth = MAX_DEPTH): Map<string, number> {
  const out = new Map<string, number>();
  const stack: { arr: boolean; idx: number; key: string; wantKey: boolean }[] = [];
  let line = firstLine;
  const n = text.length;
  const record = () => {
    if (stack.length > maxDepth) return;
    const k = stack.map((f) => (f.arr ? String(f.idx) : f.key)).join(SEP);
    if (!out.has(k)) out.set(k, line);
  };
  for (let i = 0; i < n; i++) {
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
      continue;
    }
    if (c === 34) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
      if (top && !top.arr && top.wantKey) {
        const raw = text.slice(i + 1, j);
        top.key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        top.wantKey = false;
      } else record();
      i = j;
      continue;
    }
    record();
    if (c === 123 || c === 91) {
      stack.push({ arr: c === 91, idx: 0, key: '', wantKey: c === 123 });
      continue;
    }
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
      j++;
    }
    i = j - 1;
  }
  return out;
}

function jsonError(text: string, file: string, firstLine = 1): HubguardError {
  const off = jsonErrorOffset(text);
  const at = lineColumnAt(text, off < 0 ? text.length : off);
  const near = off >= 0 && off < text.length ? `unexpected ${JSON.stringify(text.slice(off, off + 12))}` : 'unexpected end of input';
  return new HubguardError('HG_ERR_JSON', near, { file, line: at.line + firstLine - 1, column: at.column });
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A parsed JSON document (or one JSON line) with the lines of its values. */
interface Doc {
  value: unknown;
  lines: Map<string, number>;
  firstLine: number;
}

/** Parses a whole file as one JSON document, or as JSON lines (one page per line). */
function parseDocs(text: string, file: string): Doc[] {
  const body = text.replace(/^\uFEFF/, '');
  const start = body.search(/\S/);
  if (start < 0) throw new HubguardError('HG_ERR_JSON', 'empty file: expected a JSON response', { file, line: 1 });
  try {
    return [{ value: JSON.parse(body), lines: jsonLineIndex(body), firstLine: 1 }];
  } catch {
    // Not one document: JSON lines (each line a page), or malformed.
  }
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
    try {
      docs.push({ value: JSON.parse(l), lines: jsonLineIndex(l, i + 1), firstLine: i + 1 });
    } catch {
      throw jsonError(l, file, i + 1);
    }
  });
  return docs;
}

function locator(doc: Doc, file: string, prefix: readonly (string | number)[]) {
  return (path: readonly (string | number)[]): Location => {
    const full = [...prefix, ...path].map(String);
    for (let n = full.length; n >= 0; n--) {
      const line = doc.lines.get(full.slice(0, n).join(SEP));
      if (line !== undefined) return { file, line };
    }
    return { file, line: doc.firstLine };
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
  const take = (doc: Doc, list: unknown, prefix: (string | number)[]) => {
    if (!Array.isArray(list)) {
      ctx.problem('HG_ERR_VALIDATION', `expected "${listKey}" to be a list of entities`, locator(doc, file, prefix)([]));
      return;
    }
    list.forEach((v, i) => {
      const at = locator(doc, file, [...prefix, i]);
      if (!isObject(v)) {
        ctx.problem('HG_ERR_VALIDATION', 'expected an object', at([]));
        return;
      }
      items.push({ value: v, location: at([]), locate: at });
    });
  };
  const page = (doc: Doc, p: Record<string, unknown>, prefix: (string | number)[]) => {
    const c = p['@odata.context'];
    if (typeof c === 'string') contexts.push(c);
    take(doc, p[listKey], [...prefix, listKey]);
  };
  for (const doc of parseDocs(text, file)) {
    const v = doc.value;
    if (isObject(v)) {
      if (listKey in v) page(doc, v, []);
      else ctx.problem('HG_ERR_VALIDATION', `expected a collection response with a "${listKey}" list (see docs/identity-imports.md)`, { file, line: doc.firstLine });
    } else if (Array.isArray(v)) {
      const pages = v.length > 0 && v.every((p) => isObject(p) && listKey in p);
      if (pages) v.forEach((p, i) => page(doc, p as Record<string, unknown>, [i]));
      else take(doc, v, []);
    } else {
      ctx.problem('HG_ERR_VALIDATION', `expected a collection response with a "${listKey}" list`, { file, line: doc.firstLine });
    }
  }
  return { items, contexts };
}

/** The `@odata.context` of the first page in the start of a file, for recognition. */
export function sniffContext(head: string): string | undefined {
  return /"@odata\.context"\s*:\s*"([^"]*)"/.exec(head)?.[1];
}
