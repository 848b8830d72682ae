import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HubguardError } from '../core/index.js';
import { parseCsv } from './csv.js';
import { readCsvFile } from './csv-file.js';

const tmp = async (name: string, body: string | Buffer) => {
  const p = join(await mkdtemp(join(tmpdir(), 'hg-csv-')), name);
  await writeFile(p, body);
  return p;
};
const all = async (path: string) => {
  const rows = [];
  for await (const chunk of readCsvFile(path)) for (const r of chunk) rows.push(r);
  return rows;
};

describe('readCsvFile', () => {
  it('reads a multi-chunk file exactly as the whole-text parser does, whatever falls on a chunk boundary', async () => {
    // Rows of varied length with quoted newlines, CRLF endings and multi-byte characters,
    // so that boundaries land inside quotes, between \r and \n, and inside a UTF-8 sequence.
    const lines = ['id,name,note'];
    for (let i = 0; i < 60000; i++) {
      const note = i % 7 === 0 ? `"multi\nline ""quoted"" ${i}"` : i % 5 === 0 ? `naïve café ✓ ${'x'.repeat(i % 31)}` : `plain ${i}`;
      lines.push(`id-${i},Name ${i},${note}`);
    }
    const text = lines.join('\r\n') + '\r\n';
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 << 20);
    const path = await tmp('big.csv', text);
    const whole = parseCsv(text, path);
    const streamed = await all(path);
    expect(streamed[0]!.cells).toEqual(whole.header);
    expect(streamed.slice(1)).toEqual(whole.rows);
  });

  it('locates invalid UTF-8 beyond the first chunk by line', async () => {
    const head = Buffer.from('a,b\n' + 'x,y\n'.repeat(400000));
    const path = await tmp('bad.csv', Buffer.concat([head, Buffer.from([0x7a, 0xff, 0x0a])]));
    const err = await all(path).catch((e) => e);
    expect(err).toBeInstanceOf(HubguardError);
    expect(err.code).toBe('HG_ERR_ENCODING');
    expect(err.location.line).toBe(400002);
  });

  it('refuses NUL bytes and over-long records', async () => {
    expect((await all(await tmp('nul.csv', 'a\n\u0000\n')).catch((e) => e)).code).toBe('HG_ERR_ENCODING');
    const long = await tmp('long.csv', `a\n"${'y'.repeat(3 << 20)}"\n`);
    const err = await all(long).catch((e) => e);
    expect(err.code).toBe('HG_ERR_LINE_TOO_LONG');
    expect(err.location.line).toBe(2);
  });

  it('reports an unterminated quote at the end of the file', async () => {
    const err = await all(await tmp('open.csv', 'a,b\n1,"never closed\n')).catch((e) => e);
    expect(err.code).toBe('HG_ERR_CSV');
    expect(err.location.line).toBe(2);
  });
});
