import { open } from 'node:fs/promises';
import { HubguardError } from '../core/index.js';
import { csvRecords, type CsvResume, type CsvRow } from './csv.js';
import { DEFAULT_TEXT_LIMITS, firstInvalidUtf8, type TextLimits } from './text.js';

const CHUNK = 1 << 20;

/**
 * Streams the records of a CSV file in 1 MiB chunks, so memory stays flat
 * whatever the file's size: each step yields the complete records of one chunk
 * as a lazy iterable, to be read before the next step (one await per chunk,
 * not per record). The file must be strict UTF-8 (a
 * leading BOM is dropped); bad bytes, NUL bytes and records longer than the
 * line limit are located HG_ERR_* errors, as for whole-file reads. `onBytes`
 * reports progress.
 */
export async function* readCsvFile(
  path: string,
  onBytes?: (bytesRead: number) => void,
  limits: TextLimits = DEFAULT_TEXT_LIMITS,
): AsyncGenerator<Iterable<CsvRow>> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size > limits.maxBytes) throw new HubguardError('HG_ERR_FILE_TOO_LARGE', `${size} bytes, limit ${limits.maxBytes}`, { file: path });
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const buf = Buffer.alloc(CHUNK);
    let carry = '';
    let carryLine = 1;
    let newlines = 0; // line breaks decoded so far, to place an encoding error
    let read = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, read);
      const last = bytesRead === 0 || read + bytesRead >= size;
      const bytes = buf.subarray(0, bytesRead);
      let text: string;
      try {
        text = decoder.decode(bytes, { stream: !last });
      } catch {
        const at = Math.max(0, firstInvalidUtf8(bytes));
        let line = newlines + 1;
        let lineStart = -1;
        for (let k = 0; k < at; k++) if (bytes[k] === 0x0a) [line, lineStart] = [line + 1, k];
        const column = lineStart >= 0 ? at - lineStart : undefined;
        throw new HubguardError('HG_ERR_ENCODING', `byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${read + at}; save the file as UTF-8`, { file: path, line, ...(column ? { column } : {}) });
      }
      read += bytesRead;
      for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) newlines++;
      const nul = text.indexOf('\u0000');
      if (nul !== -1) throw new HubguardError('HG_ERR_ENCODING', 'NUL byte: this looks like a binary file, not text', { file: path, line: newlines + 1 });
      const whole = carry + text;
      const resume: CsvResume = { offset: whole.length, line: carryLine };
      const rows = csvRecords(whole, path, { final: last, startLine: carryLine, resume });
      yield rows;
      for (const _ of rows); // what the reader left unread still moves `resume`
      carry = whole.slice(resume.offset);
      carryLine = resume.line;
      if (carry.length > limits.maxLineLength) {
        throw new HubguardError('HG_ERR_LINE_TOO_LONG', `a record longer than ${limits.maxLineLength} characters`, { file: path, line: carryLine });
      }
      onBytes?.(read);
      if (last) return;
    }
  } finally {
    await fh.close();
  }
}
