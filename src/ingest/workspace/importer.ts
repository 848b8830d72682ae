import { readFile } from 'node:fs/promises';
import { extname, basename } from 'node:path';
import { HubguardError, RECORD_KINDS, type Problem, type RecordKind, type RecordKindName } from '../../core/index.js';
import type { Candidate, CandidateBatch, Importer, ImportContext, InputFile } from '../importer.js';
import { decodeText } from '../text.js';
import { readCsvFile } from '../csv-file.js';
import { csvRowToObject, objectFields, type FieldType } from './coerce.js';
import { parseJsonLocated, parseYamlLocated, type Located } from '../structured.js';

const EXTS = new Set(['.csv', '.json', '.yaml', '.yml']);
const BATCH = 250;
/** A combined workspace file holding several kinds, keyed by their file names. */
const COMBINED = 'workspace';

const kindOfFile = (name: string): RecordKind | undefined => {
  const stem = basename(name, extname(name)).toLowerCase();
  return RECORD_KINDS.find((k) => k.file === stem);
};

async function* chunked(kind: RecordKindName, items: Iterable<Candidate> | AsyncIterable<Candidate>): AsyncIterable<CandidateBatch> {
  let batch: Candidate[] = [];
  for await (const c of items) {
    batch.push(c);
    if (batch.length >= BATCH) {
      yield { kind, items: batch };
      batch = [];
    }
  }
  if (batch.length) yield { kind, items: batch };
}

/** Batches of candidates from a workspace CSV file. */
async function* csvBatches(file: string, kind: RecordKind, ctx: ImportContext): AsyncIterable<CandidateBatch> {
  let header: string[] | undefined;
  let types: (FieldType | undefined)[] = [];
  const fields = objectFields(kind.schema);
  const problems: Problem[] = [];
  let items: Candidate[] = [];
  for await (const rows of readCsvFile(file, (bytes) => ctx.progress(bytes))) {
    for (const row of rows) {
      if (!header) {
        header = row.cells.map((h) => h.trim());
        if (!checkHeader(file, kind, header, row.line, fields, ctx)) return;
        types = header.map((h) => fields.get(h));
        continue;
      }
      if (row.cells.length !== header.length) {
        throw new HubguardError('HG_ERR_CSV', `${row.cells.length} fields, the header has ${header.length}`, { file, line: row.line });
      }
      const where = { file, line: row.line };
      const value = csvRowToObject(header, row.cells, types, where, problems);
      for (const p of problems) ctx.problem(p.code, p.message, p.location);
      problems.length = 0;
      items.push({ value, location: where, locate: locateCell, header } as Candidate);
      if (items.length === BATCH) {
        yield { kind: kind.name, items };
        items = [];
      }
    }
  }
  if (items.length) yield { kind: kind.name, items };
  if (!header) throw new HubguardError('HG_ERR_CSV', 'empty file: a header row is required', { file, line: 1 });
}

/** Checks a CSV header against the kind's fields; false (with the problems reported) when it is unusable. */
function checkHeader(file: string, kind: RecordKind, header: readonly string[], headerLine: number, fields: Map<string, unknown>, ctx: ImportContext): boolean {
  let ok = true;
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (!fields.has(h)) {
      ok = false;
      ctx.problem('HG_ERR_UNKNOWN_COLUMN', `unknown column "${h}" for ${kind.file}; known: ${[...fields.keys()].join(', ')}`, { file, line: headerLine, column: i + 1, field: h });
    }
    if (seen.has(h)) {
      ok = false;
      ctx.problem('HG_ERR_DUPLICATE_KEY', `column "${h}" appears twice`, { file, line: headerLine, column: i + 1, field: h });
    }
    seen.add(h);
  });
  for (const r of requiredFields(kind)) {
    if (!seen.has(r)) {
      ok = false;
      ctx.problem('HG_ERR_MISSING_COLUMN', `required column "${r}" is missing`, { file, line: headerLine, field: r });
    }
  }
  return ok;
}

/** Locates a field of a CSV candidate at its column; shared by every row (no closure per row). */
function locateCell(this: Candidate & { header: readonly string[] }, path: readonly (string | number)[]) {
  const col = this.header.indexOf(String(path[0]));
  return col >= 0 ? { ...this.location, column: col + 1 } : this.location;
}

/** Fields that must be present: those that fail validation when left out of an empty object. */
function requiredFields(kind: RecordKind): string[] {
  const r = kind.schema.safeParse({});
  if (r.success) return [];
  return r.error.issues.filter((i) => i.path.length === 1 && i.code === 'invalid_type').map((i) => String(i.path[0]));
}

function* structuredCandidates(doc: Located, file: string, kind: RecordKind, root: (string | number)[], list: unknown, ctx: ImportContext): Iterable<Candidate> {
  if (!Array.isArray(list)) {
    ctx.problem('HG_ERR_VALIDATION', `expected a list of ${kind.file} records`, doc.locate(root));
    return;
  }
  const lines = doc.recordLines?.(root.length ? String(root[0]) : '');
  for (let i = 0; i < list.length; i++) {
    const path = [...root, i];
    const line = lines?.[i];
    yield {
      value: list[i],
      location: line !== undefined ? { file, line } : doc.locate(path),
      locate: (p) => doc.locate([...path, ...p]),
    };
  }
}

/**
 * The workspace importer: files named after a record kind (`identities.csv`,
 * `grants.yaml`, ...) or a combined `workspace.yaml|json` keyed by kind file names.
 * See docs/workspace-format.md.
 */
export const workspaceImporter: Importer = {
  name: 'workspace',
  recognize(file) {
    const ext = extname(file.name).toLowerCase();
    if (!EXTS.has(ext)) return 0;
    if (kindOfFile(file.name)) return 90;
    if (basename(file.name, ext).toLowerCase() === COMBINED && ext !== '.csv') return 90;
    return 0;
  },
  order(file) {
    const k = kindOfFile(file.name);
    return k ? RECORD_KINDS.indexOf(k) : -1;
  },
  soleKind(file) {
    return kindOfFile(file.name)?.name;
  },
  async *read(file: InputFile, ctx: ImportContext) {
    const ext = extname(file.name).toLowerCase();
    const kind = kindOfFile(file.name);
    if (ext === '.csv' && kind) {
      yield* csvBatches(file.path, kind, ctx);
      return;
    }
    const text = decodeText(await readFile(file.path), file.path);
    const doc = ext === '.json' ? parseJsonLocated(text, file.path) : parseYamlLocated(text, file.path);
    if (kind) {
      const v = doc.value;
      // A bare list, or an object holding the list under the kind's file name.
      const keyed = v && typeof v === 'object' && !Array.isArray(v) && kind.file in v;
      const list = keyed ? (v as Record<string, unknown>)[kind.file] : v;
      yield* chunked(kind.name, structuredCandidates(doc, file.path, kind, keyed ? [kind.file] : [], list, ctx));
    } else {
      const v = doc.value;
      if (!v || typeof v !== 'object' || Array.isArray(v)) {
        ctx.problem('HG_ERR_VALIDATION', 'a workspace file must be a mapping of record kinds to lists', doc.locate([]));
        return;
      }
      for (const key of Object.keys(v)) {
        if (!RECORD_KINDS.some((k) => k.file === key)) {
          ctx.problem('HG_ERR_UNKNOWN_COLUMN', `unknown record kind "${key}"; known: ${RECORD_KINDS.map((k) => k.file).join(', ')}`, doc.locate([key]));
        }
      }
      for (const k of RECORD_KINDS) {
        const list = (v as Record<string, unknown>)[k.file];
        if (list !== undefined) yield* chunked(k.name, structuredCandidates(doc, file.path, k, [k.file], list, ctx));
      }
    }
    ctx.progress(file.size);
  },
};
