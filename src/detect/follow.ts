/**
 * `--follow`: reads a live log as it grows, like `tail -F`. It polls the
 * path (portable, and unlike inotify it survives the file being replaced):
 * - rotation (the path now names another file): the old file is read to its
 *   end, then the new one from its start;
 * - truncation in place (logrotate `copytruncate`): reading restarts at 0.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Input } from './pipeline.js';

/** Options of a followed input. */
export interface FollowOptions {
  /** Stops following; the input then ends. */
  signal: AbortSignal;
  /** Poll interval when idle. Default 250 ms. */
  pollMs?: number;
}

async function* tail(path: string, opts: FollowOptions): AsyncGenerator<Buffer> {
  const pollMs = opts.pollMs ?? 250;
  let fh: FileHandle = await open(path, 'r');
  let ino = (await fh.stat()).ino;
  let pos = 0;
  const buf = Buffer.alloc(1 << 20);
  try {
    while (!opts.signal.aborted) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        yield Buffer.from(buf.subarray(0, bytesRead));
        continue;
      }
      const now = await stat(path).catch(() => undefined);
      if (now && now.ino !== ino) {
        await fh.close();
        fh = await open(path, 'r');
        ino = (await fh.stat()).ino;
        pos = 0;
        continue;
      }
      if (now && now.size < pos) {
        pos = 0;
        continue;
      }
      try {
        await sleep(pollMs, undefined, { signal: opts.signal });
      } catch {
        break; // aborted
      }
    }
  } finally {
    await fh.close();
  }
}

/** An input that reads `path` now and keeps reading what is appended until the signal aborts. */
export function followInput(path: string, opts: FollowOptions, fileTime?: number): Input {
  return { name: path, fileTime, live: true, open: () => tail(path, opts) };
}
