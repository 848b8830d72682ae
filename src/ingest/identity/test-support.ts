import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { recordKind, type Problem, type RecordKindName } from '../../core/index.js';
import type { InputFile } from '../importer.js';
import type { ImportSink } from '../run.js';
import type { ParseContext } from './records.js';

/** The identity fixtures folder. */
export const FIXTURES = join(import.meta.dirname, '../../../fixtures/identity');
/** The workspace example, whose files no identity importer may claim. */
export const WORKSPACE_EXAMPLE = join(import.meta.dirname, '../../../fixtures/workspace/example');

/** A parse context that collects problems, for tests. */
export function collecting(customer?: string): { ctx: ParseContext; problems: Problem[] } {
  const problems: Problem[] = [];
  return { ctx: { ...(customer ? { customer } : {}), problem: (code, message, location) => problems.push({ code, message, location }) }, problems };
}

/** An InputFile as the import run builds it (first 4 KiB as the head). */
export async function inputFile(path: string): Promise<InputFile> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(4096, size));
    await fh.read(buf, 0, buf.length, 0);
    return { path, name: basename(path), size, head: buf.toString('utf8'), explicit: true };
  } finally {
    await fh.close();
  }
}

/**
 * An in-memory sink keyed like the store: `merge` updates only the named fields
 * of records it holds, and `existing` answers from what earlier runs wrote, so
 * several runs on one sink behave like imports into one database.
 */
export function memorySink() {
  const rows = new Map<string, Record<string, unknown>>();
  const sink: ImportSink = {
    async write(kind, records) {
      for (const r of records) rows.set(`${kind}/${recordKind(kind).key(r as never)}`, r as Record<string, unknown>);
    },
    async merge(kind, records, fields) {
      for (const r of records as Record<string, unknown>[]) {
        const id = `${kind}/${recordKind(kind).key(r as never)}`;
        const old = rows.get(id);
        rows.set(id, old ? { ...old, ...Object.fromEntries(fields.filter((f) => f in r).map((f) => [f, r[f]])) } : r);
      }
    },
    async existing(kind: RecordKindName, keys) {
      return new Map(keys.filter((k) => rows.has(`${kind}/${k}`)).map((k) => [k, String(rows.get(`${kind}/${k}`)!.tenant ?? '')]));
    },
  };
  return { sink, rows, get: (kind: RecordKindName, key: string) => rows.get(`${kind}/${key}`) };
}
