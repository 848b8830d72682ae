import { HubguardError } from '../core/index.js';

/** One CSV record with the 1-based line it starts on. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/**
 * Parses CSV as RFC 4180 describes it (quoted fields, doubled quotes, CRLF or LF,
 * newlines inside quotes), keeping the line each record starts on so every
 * problem can be reported as file:line. Blank lines are skipped. A row with a
 * different number of cells than the header is an error, not a guess.
 */
export function parseCsv(text: string, file: string): { header: string[]; headerLine: number; rows: CsvRow[] } {
  const it = csvRecords(text, file);
  const first = it.next();
  if (first.done) throw new HubguardError('HG_ERR_CSV', 'empty file: a header row is required', { file, line: 1 });
  const header = first.value.cells.map((h) => h.trim());
  const rows: CsvRow[] = [];
  for (const r of it) {
    if (r.cells.length !== header.length) {
      throw new HubguardError('HG_ERR_CSV', `${r.cells.length} fields, the header has ${header.length}`, { file, line: r.line });
    }
    rows.push(r);
  }
  return { header, headerLine: first.value.line, rows };
}

/** Where a chunked parse stopped: the offset of the first unread character and its line. */
export interface CsvResume {
  offset: number;
  line: number;
}

/**
 * Streams the records of a CSV text (the header is the first), skipping blank
 * lines, so a large file never becomes one big array of rows. With
 * `final: false` the text is one chunk of a longer input: a record that may
 * continue past its end (no line break after it yet, or an open quote) is not
 * read, and `resume` tells where the next chunk must start.
 */
export function* csvRecords(
  text: string,
  file: string,
  opts: { final?: boolean; startLine?: number; resume?: CsvResume } = {},
): Generator<CsvRow> {
  const final = opts.final ?? true;
  const n = text.length;
  let i = 0;
  let line = opts.startLine ?? 1;
  // Where the next comma, line feed, carriage return and quote are, found with indexOf (much
  // faster than testing every character) and kept until the scan passes them.
  let nextComma = -1;
  let nextLf = -1;
  let nextCr = -1;
  let nextQuote = -1;
  const stop = (at: number, atLine: number) => {
    if (opts.resume) {
      opts.resume.offset = at;
      opts.resume.line = atLine;
    }
  };
  records: while (i < n) {
    const recordStart = i;
    const startLine = line;
    const cells: string[] = [];
    let blank = true;
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        blank = false;
        let j = i + 1;
        let out = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1 || (!final && q === n - 1)) {
            if (!final) {
              stop(recordStart, startLine);
              return;
            }
            throw new HubguardError('HG_ERR_CSV', 'unterminated quoted field', { file, line: startLine });
          }
          const chunk = text.slice(j, q);
          for (let k = chunk.indexOf('\n'); k !== -1; k = chunk.indexOf('\n', k + 1)) line++;
          out += chunk;
          if (text.charCodeAt(q + 1) === 34) {
            out += '"';
            j = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        cell = out;
        const c = text.charCodeAt(i);
        if (i < n && c !== 44 && c !== 10 && c !== 13) {
          throw new HubguardError('HG_ERR_CSV', 'unexpected character after a closing quote', { file, line });
        }
      } else {
        if (nextComma < i) nextComma = nextOf(text, ',', i);
        if (nextLf < i) nextLf = nextOf(text, '\n', i);
        if (nextCr < i) nextCr = nextOf(text, '\r', i);
        if (nextQuote < i) nextQuote = nextOf(text, '"', i);
        const j = Math.min(nextComma, nextLf, nextCr);
        if (nextQuote < j) throw new HubguardError('HG_ERR_CSV', 'quote inside an unquoted field', { file, line });
        cell = text.slice(i, j);
        if (cell.length) blank = false;
        i = j;
      }
      cells.push(cell);
      const c = text.charCodeAt(i);
      if (c === 44) {
        blank = false;
        i++;
        continue;
      }
      // The record ends here; in a chunk it is complete only if its line break is in the chunk.
      if (!final && (i >= n || (c === 13 && i + 1 >= n))) {
        line = startLine;
        i = recordStart;
        break records;
      }
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      line++;
      break;
    }
    if (blank) continue;
    yield { line: startLine, cells };
  }
  stop(i, line);
}

/** The index of the next `ch` at or after `from`, or the text's length when there is none. */
function nextOf(text: string, ch: string, from: number): number {
  const at = text.indexOf(ch, from);
  return at === -1 ? text.length : at;
}

/** Quotes a value for CSV when it needs it. */
export function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
