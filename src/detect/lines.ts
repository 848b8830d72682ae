/**
 * Splits a byte stream into lines without ever holding more than one read
 * chunk and one capped partial line: a line longer than the cap is counted as
 * `line-too-long` and its bytes are dropped as they arrive, never buffered
 * whole. Line numbers count every physical line, so evidence points at the
 * right place even after a skipped one.
 *
 * Invalid UTF-8: the offending bytes are replaced with U+FFFD and the line is
 * still parsed, counted under `invalid-utf8`. Dropping the line instead would
 * let an attacker hide a failed sign-in by putting one bad byte in the user
 * name; the replacement keeps the attempt and flags the damage.
 */
import { isAscii, isUtf8 } from 'node:buffer';

/** Counters of the read stage. */
export interface LineStats {
  bytes: number;
  lines: number;
  tooLong: number;
  invalidUtf8: number;
}

/** Fresh read-stage counters. */
export const newLineStats = (): LineStats => ({ bytes: 0, lines: 0, tooLong: 0, invalidUtf8: 0 });

/** Receives each line: the text without its newline, and its 1-based number; `tooLong` lines come with empty text. */
export type LineHandler = (line: string, lineNo: number, tooLong: boolean) => void;

const NL = 10;

/** Incremental line splitter: `push` chunks as they come, `end` once. */
export class LineSplitter {
  private carry: Buffer[] = [];
  private carryLen = 0;
  private dropping = false;
  private lineNo = 0;

  constructor(
    private readonly onLine: LineHandler,
    readonly stats: LineStats = newLineStats(),
    private readonly maxLine = 64 * 1024,
  ) {}

  /** Number of lines emitted so far (the last line number). */
  get lineCount(): number {
    return this.lineNo;
  }

  /** Feeds the next chunk of bytes. */
  push(chunk: Buffer): void {
    this.stats.bytes += chunk.length;
    let start = 0;
    if (this.carryLen > 0 || this.dropping) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        this.extend(chunk);
        return;
      }
      if (this.dropping || this.carryLen + nl > this.maxLine) this.tooLong();
      else {
        this.carry.push(chunk.subarray(0, nl));
        this.emitBytes(Buffer.concat(this.carry));
      }
      this.carry = [];
      this.carryLen = 0;
      this.dropping = false;
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= start) {
      this.emitBody(chunk.subarray(start, last));
      start = last + 1;
    }
    if (start < chunk.length) this.extend(chunk.subarray(start));
  }

  /** End of input: a last line without a newline is still a line. */
  end(): void {
    if (this.dropping) this.tooLong();
    else if (this.carryLen > 0) this.emitBytes(Buffer.concat(this.carry));
    this.carry = [];
    this.carryLen = 0;
    this.dropping = false;
  }

  private extend(part: Buffer): void {
    if (this.dropping) return;
    if (this.carryLen + part.length > this.maxLine) {
      this.dropping = true;
      this.carry = [];
      this.carryLen = 0;
      return;
    }
    // Copy: the chunk may be a pooled buffer that its stream reuses.
    this.carry.push(Buffer.from(part));
    this.carryLen += part.length;
  }

  private tooLong(): void {
    this.stats.lines++;
    this.stats.tooLong++;
    this.onLine('', ++this.lineNo, true);
  }

  /** Emits every line of a run of complete lines (the final newline excluded). */
  private emitBody(body: Buffer): void {
    let text: string;
    if (isAscii(body)) text = body.toString('latin1');
    else if (isUtf8(body)) text = body.toString('utf8');
    else {
      // Rare: find the damaged lines one by one.
      let pos = 0;
      while (pos <= body.length) {
        let nl = body.indexOf(NL, pos);
        if (nl < 0) nl = body.length;
        this.emitBytes(body.subarray(pos, nl));
        pos = nl + 1;
      }
      return;
    }
    const max = this.maxLine;
    let pos = 0;
    const n = text.length;
    while (pos <= n) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
      const len = nl - pos;
      this.stats.lines++;
      ++this.lineNo;
      if (len > max) {
        this.stats.tooLong++;
        this.onLine('', this.lineNo, true);
      } else {
        const end = len > 0 && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        this.onLine(text.slice(pos, end), this.lineNo, false);
      }
      pos = nl + 1;
    }
  }

  private emitBytes(bytes: Buffer): void {
    this.stats.lines++;
    ++this.lineNo;
    if (bytes.length > this.maxLine) {
      this.stats.tooLong++;
      this.onLine('', this.lineNo, true);
      return;
    }
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end--;
    const b = bytes.subarray(0, end);
    if (!isUtf8(b)) this.stats.invalidUtf8++;
    this.onLine(b.toString('utf8'), this.lineNo, false);
  }
}

/** Reads a whole async byte stream through a splitter. */
export async function splitStream(src: AsyncIterable<Buffer | Uint8Array | string>, splitter: LineSplitter): Promise<void> {
  for await (const chunk of src) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  splitter.end();
}
