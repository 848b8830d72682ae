import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lines.js';

function split(chunks: (string | Buffer)[], maxLine = 64): { lines: [string, number, boolean][]; s: LineSplitter } {
  const lines: [string, number, boolean][] = [];
  const s = new LineSplitter((l, n, t) => lines.push([l, n, t]), undefined, maxLine);
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c);
  s.end();
  return { lines, s };
}

describe('line splitter', () => {
  it('splits across chunk boundaries and keeps a last line without newline', () => {
    const { lines, s } = split(['a\nb', 'c\r\nd', 'e\nf']);
    expect(lines).toEqual([
      ['a', 1, false],
      ['bc', 2, false],
      ['de', 3, false],
      ['f', 4, false],
    ]);
    expect(s.stats).toMatchObject({ lines: 4, bytes: 10, tooLong: 0 });
  });

  it('counts lines longer than the cap without buffering them, keeping line numbers', () => {
    const long = 'x'.repeat(50);
    const { lines, s } = split(['ok\n', long, long, long, '\nnext\n', 'y'.repeat(100) + '\nlast'], 64);
    expect(lines).toEqual([
      ['ok', 1, false],
      ['', 2, true],
      ['next', 3, false],
      ['', 4, true],
      ['last', 5, false],
    ]);
    expect(s.stats.tooLong).toBe(2);
  });

  it('handles a 1 MB line in small chunks', () => {
    const chunks = [Buffer.from('a\n'), ...Array.from({ length: 256 }, () => Buffer.alloc(4096, 0x41)), Buffer.from('\nb\n')];
    const { lines } = split(chunks, 64 * 1024);
    expect(lines).toEqual([
      ['a', 1, false],
      ['', 2, true],
      ['b', 3, false],
    ]);
  });

  it('replaces invalid UTF-8 and counts the line, still passing it on', () => {
    const bad = Buffer.concat([Buffer.from('Failed password for r'), Buffer.from([0xc3, 0x28]), Buffer.from('t\nfine é\n')]);
    const { lines, s } = split([bad]);
    expect(lines[0]![0]).toBe('Failed password for r\ufffd(t');
    expect(lines[1]![0]).toBe('fine é');
    expect(s.stats.invalidUtf8).toBe(1);
  });

  it('does not split a multi-byte character cut by a chunk boundary', () => {
    const b = Buffer.from('née\n');
    const { lines, s } = split([b.subarray(0, 2), b.subarray(2)]);
    expect(lines).toEqual([['née', 1, false]]);
    expect(s.stats.invalidUtf8).toBe(0);
  });
});
