/**
 * `windows-evtx`: Windows event log files (`Security.evtx`), read with
 * @ts-evtx/core. The file is a 4 KiB header followed by 64 KiB chunks, each
 * holding records of binary XML ([MS-EVEN6] §2.1, and J. Metz's "Windows XML
 * Event Log (EVTX) format"). Records are rendered to XML with the library's
 * `renderXml()` (its `toArray()` reports event id 0) and mapped like
 * `wevtutil` output.
 *
 * Chunks are walked directly rather than through `EvtxFile`, so that a file
 * with a bad header checksum (a copy taken while Windows was writing it)
 * still yields its intact chunks. A short last chunk is reported as
 * `truncated`; a chunk with a bad signature or checksum as `evtx-corrupt`;
 * a record that will not render as `evtx-corrupt` with its record number.
 * Zero-filled chunks (pre-allocated, never used) are passed over silently.
 */
import { BinaryReader, ChunkHeader, FileHeader } from '@ts-evtx/core';
import type { AuthEvent } from '../event.js';
import type { ParseContext, Skip } from './types.js';
import { mapEventXml } from './windows-xml.js';

const HEADER = 0x1000;
const CHUNK = 0x10000;
/** A chunk cannot hold more records than this (64 KiB / 24-byte minimal record). */
const MAX_RECORDS_PER_CHUNK = 2800;

/** Whether the bytes start with the EVTX file signature `ElfFile\0`. */
export function isEvtx(bytes: Uint8Array): boolean {
  const sig = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00];
  return bytes.length >= 8 && sig.every((b, i) => bytes[i] === b);
}

function allZero(bytes: Uint8Array, from: number, len: number): boolean {
  const end = Math.min(bytes.length, from + len);
  for (let i = from; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Options for {@link parseEvtx}. */
export interface EvtxOptions {
  tenant?: string;
  fileTime?: number;
}

/**
 * Reads an EVTX file's bytes; yields events and skips (`line` is the record
 * number, or 0 for file-level problems). Never throws on bad input. The
 * second argument is the file name, or the pipeline's ParseContext (its
 * file, tenant and file time are used).
 */
export async function* parseEvtx(bytes: Uint8Array, fileOrCtx: string | ParseContext, options: EvtxOptions = {}): AsyncIterable<AuthEvent | Skip> {
  const file = typeof fileOrCtx === 'string' ? fileOrCtx : fileOrCtx.file;
  const opts: EvtxOptions = typeof fileOrCtx === 'string' ? options : { tenant: fileOrCtx.tenant, fileTime: fileOrCtx.fileTime, ...options };
  if (!isEvtx(bytes)) {
    yield { skip: 'not-evtx', line: 0, detail: 'missing ElfFile signature' };
    return;
  }
  if (bytes.length < HEADER) {
    yield { skip: 'truncated', line: 0, detail: `file is ${bytes.length} bytes, shorter than the 4096-byte header` };
    return;
  }
  const reader = new BinaryReader(bytes);
  let declared = 0;
  try {
    const header = new FileHeader(reader, 0);
    declared = header.chunkCount();
    if (!header.verify()) yield { skip: 'evtx-corrupt', line: 0, detail: 'file header checksum or version mismatch; reading chunks anyway' };
  } catch (e) {
    yield { skip: 'evtx-corrupt', line: 0, detail: `unreadable file header: ${(e as Error).message}` };
  }
  const whole = Math.floor((bytes.length - HEADER) / CHUNK);
  const partial = (bytes.length - HEADER) % CHUNK;
  const ctx: ParseContext = { file, line: 0, state: {}, tenant: opts.tenant, fileTime: opts.fileTime };
  for (let n = 0; n < whole; n++) {
    const off = HEADER + n * CHUNK;
    if (allZero(bytes, off, 8)) continue;
    let chunk: ChunkHeader;
    try {
      chunk = new ChunkHeader(reader, off);
      if (!chunk.checkMagic()) {
        yield { skip: 'evtx-corrupt', line: 0, detail: `chunk ${n}: bad signature` };
        continue;
      }
      if (!chunk.verify()) yield { skip: 'evtx-corrupt', line: 0, detail: `chunk ${n}: checksum mismatch; reading its records anyway` };
    } catch (e) {
      yield { skip: 'evtx-corrupt', line: 0, detail: `chunk ${n}: ${(e as Error).message}` };
      continue;
    }
    yield* chunkRecords(chunk, n, ctx);
    // Let other work run between chunks: a Security log can hold thousands of them.
    await new Promise<void>((r) => setImmediate(r));
  }
  if (partial > 0) yield { skip: 'truncated', line: 0, detail: `last chunk cut short (${partial} of ${CHUNK} bytes)` };
  else if (declared > whole) yield { skip: 'truncated', line: 0, detail: `header declares ${declared} chunks, file holds ${whole}` };
}

function* chunkRecords(chunk: ChunkHeader, n: number, ctx: ParseContext): Generator<AuthEvent | Skip> {
  let count = 0;
  const it = chunk.records();
  for (;;) {
    let rec;
    try {
      const r = it.next();
      if (r.done) return;
      rec = r.value;
    } catch (e) {
      yield { skip: 'evtx-corrupt', line: 0, detail: `chunk ${n}: record walk stopped: ${(e as Error).message}` };
      return;
    }
    if (++count > MAX_RECORDS_PER_CHUNK) {
      yield { skip: 'evtx-corrupt', line: 0, detail: `chunk ${n}: more records than a chunk can hold` };
      return;
    }
    let num = 0;
    try {
      const n = Number(rec.recordNum());
      // A corrupt record number is no location: report the record as 0 rather than an unsafe integer.
      num = Number.isSafeInteger(n) ? n : 0;
      const xml = rec.renderXml();
      ctx.line = num;
      if (!xml || xml === '<Event/>') {
        yield { skip: 'evtx-corrupt', line: num, detail: 'record has no template to render' };
        continue;
      }
      const res = mapEventXml(xml, ctx, rec.timestampAsDate().getTime());
      if (typeof res === 'string') {
        yield { skip: res, line: num };
        continue;
      }
      yield* res;
    } catch (e) {
      yield { skip: 'evtx-corrupt', line: num, detail: `record will not render: ${(e as Error).message}` };
    }
  }
}
