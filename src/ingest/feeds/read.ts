import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { HubguardError } from '../../core/index.js';
import { decodeText } from '../text.js';

/** Limits for feed files: the compressed size on disk and the decompressed size in memory. */
export interface FeedLimits {
  /** Largest file read, in bytes (as stored, possibly gzipped). */
  maxFileBytes: number;
  /** Largest decompressed text, in bytes: a gzip bomb stops here. */
  maxTextBytes: number;
  /** Longest line, in characters (NVD feed files are pretty-printed; minified API pages are one line). */
  maxLineLength: number;
}

/**
 * Full NVD yearly 2.0 feed files are ~100–400 MB uncompressed; the EPSS CSV is
 * ~10 MB; KEV ~1.3 MB. 500 MiB of text is above any real feed file and
 * below V8's largest string (~512 MiB), which a bigger text could not become.
 */
export const DEFAULT_FEED_LIMITS: FeedLimits = {
  maxFileBytes: 500 * 1024 * 1024,
  maxTextBytes: 500 * 1024 * 1024,
  maxLineLength: 500 * 1024 * 1024,
};

/** Whether bytes start with the gzip magic number. */
export const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Decompresses gzip with a hard output cap (zlib `maxOutputLength`), so a
 * small file that inflates to gigabytes fails with HG_ERR_FILE_TOO_LARGE
 * before it can exhaust memory. A corrupt or truncated stream is HG_ERR_ENCODING.
 */
export function gunzipCapped(bytes: Uint8Array, file: string, maxOutput: number): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxOutput });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new HubguardError('HG_ERR_FILE_TOO_LARGE', `gzip data inflates past ${maxOutput} bytes (decompression bomb?)`, { file }, { cause: e });
    }
    throw new HubguardError('HG_ERR_ENCODING', `corrupt or truncated gzip data: ${(e as Error).message}`, { file }, { cause: e });
  }
}

/**
 * Turns a feed file's bytes into strict UTF-8 text: gunzipped when it starts
 * with the gzip magic number (whatever its name), size-capped before and after.
 */
export function feedText(bytes: Uint8Array, file: string, limits: FeedLimits = DEFAULT_FEED_LIMITS): { text: string; gzipped: boolean } {
  if (bytes.length > limits.maxFileBytes) {
    throw new HubguardError('HG_ERR_FILE_TOO_LARGE', `${bytes.length} bytes, limit ${limits.maxFileBytes}`, { file });
  }
  const gzipped = isGzip(bytes);
  const raw = gzipped ? gunzipCapped(bytes, file, limits.maxTextBytes) : bytes;
  return { text: decodeText(raw, file, { maxBytes: limits.maxTextBytes, maxLineLength: limits.maxLineLength }), gzipped };
}

/** Reads a feed file from disk with the size cap checked before reading. */
export async function readFeedBytes(path: string, limits: FeedLimits = DEFAULT_FEED_LIMITS): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new HubguardError('HG_ERR_FILE_NOT_FOUND', undefined, { file: path }, { cause: e });
    throw new HubguardError('HG_ERR_FILE_NOT_FOUND', (e as Error).message, { file: path }, { cause: e });
  }
  try {
    const { size } = await fh.stat();
    if (size > limits.maxFileBytes) throw new HubguardError('HG_ERR_FILE_TOO_LARGE', `${size} bytes, limit ${limits.maxFileBytes}`, { file: path });
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
