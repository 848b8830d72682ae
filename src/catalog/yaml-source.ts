import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { formatLocation, HubguardError, type ErrorCode, type Location } from '../core/index.js';

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
 * A catalog file shipped next to its module (`url`), read and parsed on first
 * use and kept: an unreadable file is HG_ERR_CATALOG naming it.
 */
export function shippedCatalog<T>(url: URL, parse: (text: string, file: string) => T): () => T {
  let cached: { value: T } | undefined;
  return () => {
    if (!cached) {
      const file = fileURLToPath(url);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new HubguardError('HG_ERR_CATALOG', `cannot read: ${(e as Error).message}`, { file }, { cause: e });
      }
      cached = { value: parse(text, file) };
    }
    return cached.value;
  };
}

/**
 * Parses catalog YAML and validates it against `schema`. Every problem is
 * reported in one HG_ERR_CATALOG error located at the YAML line of the first
 * (by line), the others listed in its message, so one run shows every mistake.
 * Unknown keys point at the key itself; `detail` words an issue (default: zod's message).
 */
export function parseYamlWith<T>(
  text: string,
  file: string,
  schema: z.ZodType<T>,
  detail: (issue: z.core.$ZodIssue, src: YamlSource) => string = (issue) => issue.message,
): T {
  const src = readYaml(text, file, 'HG_ERR_CATALOG');
  const result = schema.safeParse(src.data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.code === 'unrecognized_keys' && issue.keys[0] ? [...issue.path, issue.keys[0]] : issue.path;
    const location: Location = { file, ...src.locate(path), field: path.map(String).join('.') || undefined };
    return { location, detail: detail(issue, src) };
  });
  problems.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
  const [first, ...rest] = problems as [(typeof problems)[number], ...typeof problems];
  throw new HubguardError('HG_ERR_CATALOG', first.detail + rest.map((p) => `\n  ${formatLocation(p.location)}: ${p.detail}`).join(''), first.location);
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
