/**
 * The spool of an NVD update: records of every page go to a temporary file as
 * they arrive, and only which version of each CVE to keep stays in memory, so a
 * full update of NVD's ~300,000 records does not hold them all (docs/feeds.md).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HubguardError } from '../../core/index.js';
import type { NvdCve } from './types.js';

/** Where the kept version of a spooled CVE is: its `lastModified` (empty when NVD gave none) and its line in the spool. */
export interface SpoolEntry {
  lastModified: string;
  line: number;
}

/** Records per batch read back from a spool, by default. */
export const SPOOL_BATCH = 1000;

/** Spool files that exist now, removed on exit and on SIGINT / SIGTERM, when no `finally` runs. */
const liveSpools = new Set<string>();

function removeLiveSpools(): void {
  for (const path of liveSpools) rmSync(path, { force: true });
  liveSpools.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeLiveSpools();
  unwatchSpools();
  // Nobody else handles the signal: end the process as the signal would have.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function watchSpool(path: string): void {
  if (!liveSpools.size) {
    process.on('exit', removeLiveSpools);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  liveSpools.add(path);
}

function unwatchSpools(): void {
  process.off('exit', removeLiveSpools);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

function forgetSpool(path: string): void {
  if (liveSpools.delete(path) && !liveSpools.size) unwatchSpools();
}

/** A spool file that cannot be created or written (no such directory, no space left): the fix is on the machine. */
function spoolError(path: string, e: unknown): HubguardError {
  const why = e instanceof Error ? e.message : String(e);
  return new HubguardError('HG_ERR_CONFIG', `cannot write the NVD update's spool file ${path} (${why}); free space there or set TMPDIR to another directory`, undefined, {
    cause: e,
  });
}

/**
 * The records of an NVD update, on disk while it pages: one JSON line per
 * record in a file of its own (`hubguard-nvd-<uuid>.ndjson`, mode 0600) in
 * `dir`. Memory holds only `kept`: per CVE id, the `lastModified` and line of
 * the newest version met, so it stays small whatever the number of records.
 * `batches()` reads the kept records back line by line; `remove()` deletes the
 * file (so do process exit, SIGINT and SIGTERM while it exists).
 */
export class NvdSpool {
  /** Per CVE id, where its kept version is. Ids, dates and line numbers only: records stay on disk. */
  readonly kept = new Map<string, SpoolEntry>();
  private lines = 0;

  private constructor(
    /** The spool file. */
    readonly path: string,
    private handle: FileHandle | undefined,
  ) {}

  /** Creates an empty spool in `dir` (the system's temporary directory by default). */
  static async create(dir: string = tmpdir()): Promise<NvdSpool> {
    const path = join(dir, `hubguard-nvd-${randomUUID()}.ndjson`);
    const handle = await open(path, 'wx', 0o600).catch((e: unknown) => {
      throw spoolError(path, e);
    });
    watchSpool(path);
    return new NvdSpool(path, handle);
  }

  /** CVEs kept: each once. */
  get size(): number {
    return this.kept.size;
  }

  /** Appends records; of a CVE met twice, the version with the newer `lastModified` is kept (the later one when equal). */
  async append(cves: readonly NvdCve[]): Promise<void> {
    if (!cves.length) return;
    if (!this.handle) throw new HubguardError('HG_ERR_INTERNAL', `the NVD spool ${this.path} is closed`);
    await this.handle.write(cves.map((c) => `${JSON.stringify(c)}\n`).join('')).catch((e: unknown) => {
      throw spoolError(this.path, e);
    });
    for (const c of cves) {
      const lastModified = c.lastModified ?? '';
      const prev = this.kept.get(c.id);
      if (!prev || lastModified >= prev.lastModified) this.kept.set(c.id, { lastModified, line: this.lines });
      this.lines++;
    }
  }

  /** The kept records in the order they were fetched, at most `size` at a time. Closes the spool to appends. */
  async *batches(size: number = SPOOL_BATCH): AsyncGenerator<NvdCve[], void, undefined> {
    await this.close();
    const input = createReadStream(this.path, { encoding: 'utf8' });
    const lines = createInterface({ input, crlfDelay: Infinity });
    let line = 0;
    let batch: NvdCve[] = [];
    try {
      for await (const text of lines) {
        const cve = JSON.parse(text) as NvdCve;
        if (this.kept.get(cve.id)?.line !== line++) continue; // a version superseded by a newer one
        batch.push(cve);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      lines.close();
      input.destroy();
    }
  }

  /** Deletes the spool file; safe to call more than once. */
  async remove(): Promise<void> {
    try {
      await this.close();
    } finally {
      await rm(this.path, { force: true });
      forgetSpool(this.path);
    }
  }

  private async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
