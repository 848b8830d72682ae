import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { RECORD_KINDS, type RecordKindName } from '../../core/index.js';
import { csvCell } from '../csv.js';
import { objectFields } from './coerce.js';

/** A source of records per kind, e.g. the demo generator. */
export type RecordSource = Partial<Record<RecordKindName, () => Iterable<object>>>;

const FLUSH_AT = 1 << 20;

/** Renders one value as a CSV cell following the workspace conventions. */
function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return csvCell(v.map(String).join(';'));
  if (typeof v === 'object') return csvCell(Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${String(x)}`).join(';'));
  return csvCell(String(v));
}

/**
 * Writes records as a workspace folder (docs/workspace-format.md): one CSV file
 * per kind, streamed so that millions of rows never sit in memory, or YAML or
 * JSON for the kinds `formats` names. Each file is written under a temporary name
 * and renamed when complete, so an interrupted write leaves no half file.
 */
export async function writeWorkspace(
  dir: string,
  source: RecordSource,
  formats: Partial<Record<RecordKindName, 'yaml' | 'json'>> = {},
): Promise<Record<string, number>> {
  await mkdir(dir, { recursive: true });
  const counts: Record<string, number> = {};
  for (const kind of RECORD_KINDS) {
    const gen = source[kind.name];
    if (!gen) continue;
    const format = formats[kind.name] ?? 'csv';
    const final = join(dir, `${kind.file}.${format}`);
    const tmp = `${final}.partial`;
    const fh = await open(tmp, 'w');
    let n = 0;
    try {
      if (format !== 'csv') {
        // JSON: one record per line inside the array, so problems point at a record's own line.
        let buf = format === 'json' ? '[\n' : '';
        for (const rec of gen()) {
          buf += format === 'json' ? `${n ? ',\n' : ''}${JSON.stringify(rec)}` : stringify([rec], { lineWidth: 0 });
          n++;
          if (buf.length > FLUSH_AT) {
            await fh.write(buf);
            buf = '';
          }
        }
        await fh.write(format === 'json' ? `${buf}\n]\n` : n === 0 ? '[]\n' : buf);
      } else {
        const fields = [...objectFields(kind.schema).keys()];
        let buf = `${fields.join(',')}\n`;
        for (const rec of gen()) {
          const r = rec as Record<string, unknown>;
          buf += `${fields.map((f) => cell(r[f])).join(',')}\n`;
          n++;
          if (buf.length > FLUSH_AT) {
            await fh.write(buf);
            buf = '';
          }
        }
        await fh.write(buf);
      }
    } catch (e) {
      await fh.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    await rename(tmp, final);
    counts[kind.file] = n;
  }
  return counts;
}
