import { describe, expect, it } from 'vitest';
import { csvCell, parseCsv } from './csv.js';
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
});
