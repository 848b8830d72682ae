import { HubguardError } from '../core/index.js';

/** Limits applied to every file read as text. */
export interface TextLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Longest line accepted, in characters. */
  maxLineLength: number;
}

export const DEFAULT_TEXT_LIMITS: TextLimits = { maxBytes: 1024 * 1024 * 1024, maxLineLength: 1024 * 1024 };

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** 1-based line and column of a byte offset in raw bytes (columns counted in bytes). */
function lineColumnAtByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Finds the offset of the first byte that is not valid UTF-8 (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= n) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Decodes a file's bytes as strict UTF-8 (a leading BOM is dropped). Invalid
 * bytes, a file over the size limit, NUL bytes (binary data) and over-long
 * lines each give a located HG_ERR_* error instead of mojibake.
 */
export function decodeText(bytes: Uint8Array, file: string, limits: TextLimits = DEFAULT_TEXT_LIMITS): string {
  if (bytes.length > limits.maxBytes) {
    throw new HubguardError('HG_ERR_FILE_TOO_LARGE', `${bytes.length} bytes, limit ${limits.maxBytes}`, { file });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const { line, column } = lineColumnAtByte(bytes, Math.max(at, 0));
    const b = at >= 0 ? bytes[at]!.toString(16).padStart(2, '0') : '??';
    throw new HubguardError('HG_ERR_ENCODING', `byte 0x${b} at offset ${at}; save the file as UTF-8`, { file, line, column });
  }
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    const { line, column } = lineColumnAt(text, nul);
    throw new HubguardError('HG_ERR_ENCODING', 'NUL byte: this looks like a binary file, not text', { file, line, column });
  }
  let start = 0;
  let line = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end - start > limits.maxLineLength) {
      throw new HubguardError('HG_ERR_LINE_TOO_LONG', `${end - start} characters, limit ${limits.maxLineLength}`, { file, line });
    }
    start = end + 1;
    line++;
  }
  return text;
}
