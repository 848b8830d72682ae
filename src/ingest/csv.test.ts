import { describe, expect, it } from 'vitest';
import { csvCell, csvRecords, parseCsv, type CsvResume, type CsvRow } from './csv.js';
import { HubguardError } from '../core/index.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof HubguardError ? `${e.code}@${e.location?.line}` : String(e);
  }
  return 'no error';
};

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF and embedded newlines with start lines', () => {
    const r = parseCsv('a,b\r\n1,"x ""y"""\r\n\r\n2,"multi\nline"\n3,\n', 'f');
    expect(r.header).toEqual(['a', 'b']);
    expect(r.rows).toEqual([
      { line: 2, cells: ['1', 'x "y"'] },
      { line: 4, cells: ['2', 'multi\nline'] },
      { line: 6, cells: ['3', ''] },
    ]);
  });
  it('reads a last line without a newline', () => {
    expect(parseCsv('a\n1', 'f').rows).toEqual([{ line: 2, cells: ['1'] }]);
  });
  it('reports malformed input with the line', () => {
    expect(code(() => parseCsv('a,b\n1,"open\n', 'f'))).toBe('HG_ERR_CSV@2');
    expect(code(() => parseCsv('a,b\n1,2,3\n', 'f'))).toBe('HG_ERR_CSV@2');
    expect(code(() => parseCsv('a,b\n1,x"y\n', 'f'))).toBe('HG_ERR_CSV@2');
    expect(code(() => parseCsv('a,b\n1,"x"y\n', 'f'))).toBe('HG_ERR_CSV@2');
    expect(code(() => parseCsv('', 'f'))).toBe('HG_ERR_CSV@1');
  });
  it('round-trips cells through csvCell', () => {
    const cells = ['plain', 'with,comma', 'with "quote"', 'two\nlines'];
    expect(parseCsv(`h1,h2,h3,h4\n${cells.map(csvCell).join(',')}\n`, 'f').rows[0]!.cells).toEqual(cells);
  });

  it('reads back any table written with csvCell, whole or in chunks of any size', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const alphabet = ['a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '漢', ';', '='];
    const cell = () => Array.from({ length: rand(6) }, () => alphabet[rand(alphabet.length)]).join('');
    const rows: string[][] = Array.from({ length: 300 }, () => Array.from({ length: 4 }, cell));
    let text = 'h1,h2,h3,h4\n';
    const expected: CsvRow[] = [];
    let line = 2;
    for (const r of rows) {
      if (rand(10) === 0) {
        text += rand(2) ? '\n' : '\r\n'; // a blank line
        line++;
      }
      const written = r.map(csvCell).join(',');
      expected.push({ line, cells: r });
      text += written + (rand(2) ? '\n' : '\r\n');
      line += 1 + (written.match(/\n/g)?.length ?? 0);
    }
    const whole = parseCsv(text, 'f');
    expect(whole.rows).toEqual(expected);
    const chunked = (size: number) => {
      const out: CsvRow[] = [];
      let carry = '';
      let carryLine = 1;
      for (let at = 0; at < text.length; at += size) {
        const last = at + size >= text.length;
        const piece = carry + text.slice(at, at + size);
        const resume: CsvResume = { offset: piece.length, line: carryLine };
        for (const r of csvRecords(piece, 'f', { final: last, startLine: carryLine, resume })) out.push(r);
        carry = piece.slice(resume.offset);
        carryLine = resume.line;
      }
      return out.slice(1); // the header
    };
    for (const size of [1, 2, 3, 7, 64, 1000]) expect(chunked(size)).toEqual(expected);
  });
});
