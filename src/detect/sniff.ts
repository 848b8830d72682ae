/** Looking at the start of an input before reading it: magic bytes, a line sample, the first event time. */
import { createReadStream } from 'node:fs';
import { gunzipSync, constants as zlib } from 'node:zlib';
import type { ParserRegistry } from './registry.js';
import type { ParseContext } from './parse/types.js';

/**
 * Takes at least `want` bytes off the front of a stream (less at its end) and
 * returns them with the rest of the stream, which continues where they stop.
 * `eager` stops as soon as a complete line is there: a live input (a pipe, a
 * followed file) may take minutes to fill `want`.
 */
export async function peek(src: AsyncIterable<Buffer>, want: number, eager = false): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const it = src[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < want) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    parts.push(b);
    size += b.length;
    if (eager && b.includes(10)) break;
  }
  const rest: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: () => (done ? { next: async () => ({ done: true as const, value: undefined }) } : it),
  };
  return { head: parts.length === 1 ? parts[0]! : Buffer.concat(parts), rest };
}

/** The first complete lines of a head (the last one only when the head holds the whole input). */
export function sampleLines(head: Buffer, max = 64): string[] {
  const text = head.toString('utf8');
  const lines = text.split('\n');
  if (lines.length > 1 && !text.endsWith('\n')) lines.pop();
  return lines
    .slice(0, max)
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    .filter((l) => l.length > 0 && l.length <= 65_536);
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of createReadStream(path, { start: 0, end: bytes - 1 })) {
    parts.push(c as Buffer);
    size += (c as Buffer).length;
  }
  return Buffer.concat(parts, size);
}

/**
 * Time of the first event of a file (gzip included), or undefined. Used to
 * read rotated logs oldest first whatever order the shell lists them in
 * (`auth.log auth.log.1 auth.log.2.gz`), since windows only move forward.
 */
export async function firstEventTime(path: string, registry: ParserRegistry, fileTime: number | undefined, format?: string): Promise<number | undefined> {
  let head = await readHead(path, 65_536).catch(() => Buffer.alloc(0));
  if (head[0] === 0x1f && head[1] === 0x8b) {
    try {
      head = gunzipSync(head, { finishFlush: zlib.Z_SYNC_FLUSH });
    } catch {
      return undefined;
    }
  }
  const sample = sampleLines(head);
  const name = format ?? registry.detectFormat(sample, path);
  const parser = name === undefined ? undefined : registry.parserByName(name);
  if (!parser) return undefined;
  const ctx: ParseContext = { file: path, line: 0, state: {}, fileTime };
  for (const line of sample) {
    ctx.line++;
    const r = parser.parseLine(line, ctx);
    if (typeof r !== 'string' && r.length > 0 && Number.isFinite(r[0]!.time)) return r[0]!.time;
  }
  return undefined;
}
