import { crc32Checksum } from '@ts-evtx/core';
import { describe, expect, it } from 'vitest';
import type { AuthEvent } from '../event.js';
import { isEvtx, parseEvtx } from './evtx.js';
import { isSkip, type Skip } from './types.js';

async function collect(bytes: Uint8Array): Promise<(AuthEvent | Skip)[]> {
  const out: (AuthEvent | Skip)[] = [];
  for await (const v of parseEvtx(bytes, 'Security.evtx')) out.push(v);
  return out;
}

/** A 4 KiB EVTX file header (format 3.1) with a correct CRC32 over its first 120 bytes. */
function header(chunks: number): Uint8Array {
  const h = new Uint8Array(0x1000);
  const dv = new DataView(h.buffer);
  h.set(Buffer.from('ElfFile\0', 'latin1'), 0);
  dv.setUint32(0x20, 0x80, true); // header size
  dv.setUint16(0x24, 1, true); // minor version
  dv.setUint16(0x26, 3, true); // major version
  dv.setUint16(0x28, 0x1000, true); // header block size
  dv.setUint16(0x2a, chunks, true);
  dv.setUint32(0x7c, crc32Checksum(h.subarray(0, 0x78)) >>> 0, true);
  return h;
}

const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

describe('EVTX reading of bad input', () => {
  it('refuses bytes that are not EVTX', async () => {
    const out = await collect(Uint8Array.from(Buffer.from('Mar  4 10:00:00 host sshd[1]: not evtx')));
    expect(out).toEqual([expect.objectContaining({ skip: 'not-evtx', line: 0 })]);
    expect(isEvtx(Uint8Array.from(Buffer.from('ElfFile\0')))).toBe(true);
    const viaCtx: Skip[] = [];
    for await (const v of parseEvtx(Uint8Array.from([1, 2, 3]), { file: 'x.evtx', line: 0, state: {}, tenant: 't' })) viaCtx.push(v as Skip);
    expect(viaCtx).toEqual([expect.objectContaining({ skip: 'not-evtx' })]);
  });

  it('reports a file cut inside its header', async () => {
    const out = await collect(header(1).subarray(0, 1000));
    expect(out).toEqual([expect.objectContaining({ skip: 'truncated' })]);
  });

  it('reports a partial last chunk as truncated', async () => {
    const out = await collect(concat(header(1), new Uint8Array(5000).fill(0x41)));
    expect(out.filter(isSkip).map((s) => s.skip)).toEqual(['truncated']);
  });

  it('reports chunks that are missing, garbage or fail their checksum, and never throws', async () => {
    const garbage = Uint8Array.from(Buffer.alloc(0x10000, 0x5a));
    const badCrc = new Uint8Array(0x10000);
    badCrc.set(Buffer.from('ElfChnk\0', 'latin1'), 0);
    new DataView(badCrc.buffer).setUint32(0x30, 0x200, true); // next record offset: empty chunk
    const out = await collect(concat(header(4), garbage, badCrc, new Uint8Array(0x10000)));
    const skips = out.filter(isSkip);
    expect(out.filter((v) => !isSkip(v))).toEqual([]);
    expect(skips.map((s) => s.skip)).toEqual(['evtx-corrupt', 'evtx-corrupt', 'truncated']);
    expect(skips[0]?.detail).toMatch(/chunk 0: bad signature/);
    expect(skips[1]?.detail).toMatch(/chunk 1: checksum/);
    expect(skips[2]?.detail).toMatch(/declares 4 chunks, file holds 3/);
  });

  it('flags a bad file header checksum and keeps going', async () => {
    const h = header(0);
    h[0x30] = 1; // change a byte covered by the CRC
    const out = await collect(h);
    expect(out).toEqual([expect.objectContaining({ skip: 'evtx-corrupt', detail: expect.stringMatching(/header/) })]);
  });

  it('survives random bytes behind a valid signature', async () => {
    let x = 12345;
    const junk = Uint8Array.from({ length: 0x1000 + 2 * 0x10000 }, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24));
    junk.set(Buffer.from('ElfFile\0', 'latin1'), 0);
    junk.set(Buffer.from('ElfChnk\0', 'latin1'), 0x1000);
    const out = await collect(junk);
    expect(out.length).toBeGreaterThan(0);
    for (const v of out) if (isSkip(v)) expect(['evtx-corrupt', 'truncated', 'not-auth', 'bad-xml', 'bad-timestamp']).toContain(v.skip);
  });
});
