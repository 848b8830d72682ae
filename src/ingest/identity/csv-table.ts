import type { Location } from '../../core/index.js';
import { parseCsv, type CsvRow } from '../csv.js';

/** A header name compared loosely: case, spaces and punctuation ignored (`Last Login (UTC)` = `lastlogin utc`). */
export const normHeader = (h: string): string => h.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A parsed CSV export with case-insensitive, alias-aware column lookup. */
export interface Table {
  file: string;
  header: string[];
  headerLine: number;
  rows: CsvRow[];
  /** Index of the first column named by any of the aliases, or -1. */
  col(...aliases: string[]): number;
  /** Trimmed cell of a row (empty when the column is absent). */
  cell(row: CsvRow, col: number): string;
  /** Location of a cell. */
  at(row: CsvRow, col: number, field?: string): Location;
}

/**
 * Reads a CSV export. PowerShell's Export-Csv (without -NoTypeInformation)
 * writes a `#TYPE <.NET type>` line before the header; it is skipped, keeping
 * line numbers. The type is returned for recognition.
 */
export function readTable(text: string, file: string): Table & { type?: string } {
  let type: string | undefined;
  const body = text.replace(/^\uFEFF/, '').replace(/^([ \t]*\r?\n)*[ \t]*#TYPE[^\n]*/, (m) => {
    type = /#TYPE\s+(.*)$/.exec(m)?.[1]?.trim();
    return m.replace(/[^\n]/g, '');
  });
  const { header, headerLine, rows } = parseCsv(body, file);
  const norm = header.map(normHeader);
  return {
    file,
    header,
    headerLine,
    rows,
    type,
    col: (...aliases) => {
      for (const a of aliases) {
        const i = norm.indexOf(normHeader(a));
        if (i >= 0) return i;
      }
      return -1;
    },
    cell: (row, col) => (col >= 0 ? (row.cells[col] ?? '').trim() : ''),
    at: (row, col, field) => ({ file, line: row.line, ...(col >= 0 ? { column: col + 1 } : {}), ...(field ? { field } : {}) }),
  };
}

/** The header cells of a CSV file from its first bytes, for recognition (after any `#TYPE` line), normalized. */
export function sniffHeader(head: string): { type?: string; header: string[] } {
  const lines = head.split(/\r?\n/).filter((l) => l.trim());
  let type: string | undefined;
  if (lines[0]?.trim().startsWith('#TYPE')) type = lines.shift()!.trim().slice(5).trim();
  const first = lines[0] ?? '';
  const header = first.split(',').map((c) => normHeader(c.replace(/"/g, '')));
  return { ...(type ? { type } : {}), header };
}

/** Booleans as exports write them: PowerShell `True`/`False`, and yes/no, 1/0, enabled/disabled, active/inactive. */
export function parseBool(v: string): boolean | undefined {
  const l = v.trim().toLowerCase();
  if (['true', 'yes', 'y', '1', 'enabled', 'active', 'on'].includes(l)) return true;
  if (['false', 'no', 'n', '0', 'disabled', 'inactive', 'off', 'suspended', 'locked'].includes(l)) return false;
  return undefined;
}

/**
 * A date as exports write it: ISO 8601, `yyyy-MM-dd HH:mm[:ss]`, or the en-US
 * `M/d/yyyy h:mm:ss AM/PM` that PowerShell and most consoles write. A time
 * without a zone is read as UTC. Returns undefined for text that is no date.
 */
export function parseLooseDate(v: string): string | undefined {
  const s = v.trim();
  if (!s) return undefined;
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (m) {
    const zone = m[7] ? (m[7] === 'Z' ? 'Z' : m[7].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
    const iso = `${m[1]}-${m[2]}-${m[3]}T${(m[4] ?? '0').padStart(2, '0')}:${m[5] ?? '00'}:${m[6] ?? '00'}${zone}`;
    const t = Date.parse(iso);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/.exec(s);
  if (m) {
    let h = Number(m[4] ?? 0);
    if (m[7]) h = (h % 12) + (/p/i.test(m[7]) ? 12 : 0);
    const [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = Date.UTC(y, mo - 1, d, h, Number(m[5] ?? 0), Number(m[6] ?? 0));
    const back = new Date(t);
    if (mo < 1 || mo > 12 || back.getUTCDate() !== d) return undefined;
    return back.toISOString();
  }
  return undefined;
}
