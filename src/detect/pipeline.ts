/**
 * The detection pipeline: bytes → lines → parser → events → detectors →
 * alerts, with counters per stage in the manner of Vector (what each stage
 * received, emitted and rejected, and why), so a user sees where every line
 * went. Input is streamed: memory does not grow with the file.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { HubguardError } from '../core/index.js';
import type { AuthEvent } from './event.js';
import { DetectionEngine, type EngineOptions, type EngineStats } from './engine.js';
import type { AlertEvent, AlertSink, DetectionAlert } from './alerts.js';
import { LineSplitter, newLineStats } from './lines.js';
import { isSkip, MAX_LINE, skipInfo, type ParseContext } from './parse/types.js';
import { defaultRegistry, type ParserRegistry } from './registry.js';
import { peek, sampleLines } from './sniff.js';

/** Options of a pipeline run: the engine's, plus input handling. */
export interface PipelineOptions extends EngineOptions {
  /** Parser name for every input (`--format`); detected per file when absent. */
  format?: string;
  registry?: ParserRegistry;
  /** Longest line read (bytes); longer ones are skipped as `line-too-long`. */
  maxLine?: number;
  /** Largest EVTX file read into memory (EVTX is parsed whole). Default 1 GiB. */
  maxEvtxBytes?: number;
  /** Where alerts go as they are opened and updated (a database, JSON lines). */
  sinks?: AlertSink[];
  /** Called about every 64k lines with the counters and the raw bytes consumed of the current input. */
  onProgress?: (c: PipelineCounters, rawBytes: number) => void;
}

/** Counters of every stage. */
export interface PipelineCounters {
  files: number;
  /** Bytes read (after decompression). */
  bytes: number;
  /** Lines read. */
  lines: number;
  /** Lines (or EVTX records) that gave at least one event. */
  parsed: number;
  /** Events the parsers emitted. */
  events: number;
  /** Lines skipped, by reason (parser reasons, `line-too-long`). */
  skipped: Record<string, number>;
  /** Skipped lines whose reason is bad input rather than "not an authentication event". */
  problems: number;
  /** Lines with invalid UTF-8, decoded with U+FFFD and parsed anyway. */
  invalidUtf8: number;
  /** Inputs by format name. */
  formats: Record<string, number>;
  /** Inputs that could not be read at all, with the reason. */
  fileErrors: { file: string; error: HubguardError }[];
  /** The detection stage. */
  detect: EngineStats;
  /** Alerts opened, by detector. */
  alerts: Record<string, number>;
}

/** What a finished run returns. */
export interface PipelineResult {
  alerts: DetectionAlert[];
  counters: PipelineCounters;
}

/** An input: a name for evidence and a byte stream, with what is known of it. */
export interface Input {
  name: string;
  open(): AsyncIterable<Buffer>;
  /** Modification time (epoch ms): the RFC 3164 year is inferred so that nothing lies after it. */
  fileTime?: number;
  size?: number;
  /** A live input (a pipe, `--follow`): the parser is chosen from the first complete lines, not 64 KiB. */
  live?: boolean;
}

const GZIP = [0x1f, 0x8b];
const EVTX = Buffer.from('ElfFile\0', 'latin1');
const PROGRESS_EVERY = 65_536;

/** Opens a file as an Input; HG_ERR_FILE_NOT_FOUND when it is not a readable file. */
export async function fileInput(path: string): Promise<Input> {
  const st = await stat(path).catch(() => undefined);
  if (!st || !st.isFile()) throw new HubguardError('HG_ERR_FILE_NOT_FOUND', path, { file: path });
  return {
    name: path,
    fileTime: st.mtimeMs,
    size: st.size,
    open: () => createReadStream(path, { highWaterMark: 1 << 20 }),
  };
}

async function* prepend(head: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  yield* rest;
}

/** Runs inputs through the parsers and the detection engine, counting every stage. */
export class DetectionPipeline {
  readonly engine: DetectionEngine;
  readonly counters: PipelineCounters;
  private readonly registry: ParserRegistry;
  private readonly pending: Promise<unknown>[] = [];

  constructor(private readonly opts: PipelineOptions = {}) {
    this.registry = opts.registry ?? defaultRegistry;
    const sinks = opts.sinks ?? [];
    this.engine = new DetectionEngine({
      ...opts,
      onAlert: (e: AlertEvent) => {
        opts.onAlert?.(e);
        for (const s of sinks) {
          const p = s.write(e);
          if (p) this.pending.push(p);
        }
      },
    });
    this.counters = {
      files: 0,
      bytes: 0,
      lines: 0,
      parsed: 0,
      events: 0,
      skipped: {},
      problems: 0,
      invalidUtf8: 0,
      formats: {},
      fileErrors: [],
      detect: this.engine.stats,
      alerts: this.engine.book.openedByDetector,
    };
    if (opts.format && !this.isEvtxFormat(opts.format) && !this.registry.parserByName(opts.format)) {
      throw new HubguardError('HG_ERR_USAGE', `unknown format '${opts.format}' (one of: ${this.registry.names().join(', ')})`);
    }
  }

  private isEvtxFormat(name: string): boolean {
    return this.registry.evtxFormat !== undefined && (name === this.registry.evtxFormat || name.toLowerCase() === 'evtx');
  }

  /** Whether a skip reason is bad input, cached: most lines of a log are skipped. */
  private readonly problemReason = new Map<string, boolean>();

  private skip(reason: string, n = 1): void {
    const c = this.counters.skipped;
    c[reason] = (c[reason] ?? 0) + n;
    let problem = this.problemReason.get(reason);
    if (problem === undefined) this.problemReason.set(reason, (problem = skipInfo(reason).problem));
    if (problem) this.counters.problems += n;
  }

  private emit(events: AuthEvent[] | string): void {
    if (typeof events === 'string') return this.skip(events);
    if (events.length === 0) return this.skip('not-auth');
    this.counters.parsed++;
    this.counters.events += events.length;
    for (let i = 0; i < events.length; i++) this.engine.process(events[i]!);
  }

  /** Reads one input to its end. Unreadable, corrupt or unrecognized inputs are recorded in `fileErrors`. */
  async add(input: Input): Promise<void> {
    this.counters.files++;
    try {
      await this.read(input);
    } catch (err) {
      if (!(err instanceof Error) || (err instanceof HubguardError && !err.userFault)) throw err;
      const e = err instanceof HubguardError ? err : new HubguardError('HG_ERR_VALIDATION', `unreadable: ${err.message}`, { file: input.name }, { cause: err });
      this.counters.fileErrors.push({ file: input.name, error: e });
    }
  }

  private async read(input: Input): Promise<void> {
    let raw = 0;
    const counted = async function* (src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      for await (const c of src) {
        raw += c.length;
        yield c;
      }
    };
    const want = 65_536;
    let { head, rest } = await peek(counted(input.open()), want, input.live);
    if (head[0] === GZIP[0] && head[1] === GZIP[1]) {
      // Decompression is streamed, so a gzip bomb costs time, never memory.
      const gunzip = Readable.from(prepend(head, rest)).pipe(createGunzip());
      ({ head, rest } = await peek(gunzip as AsyncIterable<Buffer>, want, input.live));
    }
    const format = this.opts.format ?? this.registry.detectFormat(sampleLines(head), input.name);
    if (head.subarray(0, 8).equals(EVTX) || (format !== undefined && this.isEvtxFormat(format))) {
      return this.addEvtx(input, head, rest);
    }
    const parser = format === undefined ? undefined : this.registry.parserByName(format);
    if (!parser) {
      if (head.length === 0) return; // an empty file is not an error
      this.counters.fileErrors.push({
        file: input.name,
        error: new HubguardError('HG_ERR_UNRECOGNIZED_FILE', `no parser recognizes it (try --format; known: ${this.registry.names().join(', ')})`, { file: input.name }),
      });
      return;
    }
    this.counters.formats[parser.name] = (this.counters.formats[parser.name] ?? 0) + 1;
    const ctx: ParseContext = { file: input.name, line: 0, state: {}, fileTime: input.fileTime, tenant: this.opts.tenant };
    const stats = newLineStats();
    let nextProgress = PROGRESS_EVERY;
    const splitter = new LineSplitter(
      (line, n, tooLong) => {
        if (tooLong) return this.skip('line-too-long');
        ctx.line = n;
        this.emit(parser.parseLine(line, ctx));
      },
      stats,
      this.opts.maxLine ?? MAX_LINE,
    );
    const flushStats = (): void => {
      this.counters.lines += stats.lines;
      this.counters.bytes += stats.bytes;
      this.counters.invalidUtf8 += stats.invalidUtf8;
      stats.lines = stats.bytes = stats.invalidUtf8 = 0;
    };
    splitter.push(head);
    try {
      for await (const chunk of rest) {
        splitter.push(chunk);
        if (this.counters.lines + stats.lines >= nextProgress) {
          flushStats();
          nextProgress = this.counters.lines + PROGRESS_EVERY;
          this.opts.onProgress?.(this.counters, raw);
        }
        if (this.pending.length > 256) await this.drain();
      }
    } catch (err) {
      // A corrupt or truncated gzip member, or a read error: keep what was read, report the file.
      const msg = (err as Error).message ?? String(err);
      this.counters.fileErrors.push({ file: input.name, error: new HubguardError('HG_ERR_VALIDATION', `read stopped after line ${splitter.lineCount}: ${msg}`, { file: input.name }) });
    }
    splitter.end();
    const tail = parser.flush?.(ctx);
    if (tail !== undefined) this.emit(tail);
    flushStats();
    this.opts.onProgress?.(this.counters, raw);
    await this.drain();
  }

  private async addEvtx(input: Input, head: Buffer, rest: AsyncIterable<Buffer>): Promise<void> {
    const evtx = this.registry.evtx;
    if (!evtx) {
      this.counters.fileErrors.push({ file: input.name, error: new HubguardError('HG_ERR_UNRECOGNIZED_FILE', 'EVTX is not supported here', { file: input.name }) });
      return;
    }
    const cap = this.opts.maxEvtxBytes ?? 1 << 30;
    const parts = [head];
    let size = head.length;
    for await (const c of rest) {
      size += c.length;
      if (size > cap) {
        this.counters.fileErrors.push({ file: input.name, error: new HubguardError('HG_ERR_FILE_TOO_LARGE', `EVTX over ${cap} bytes`, { file: input.name }) });
        return;
      }
      parts.push(c);
    }
    this.counters.formats.evtx = (this.counters.formats.evtx ?? 0) + 1;
    this.counters.bytes += size;
    const ctx: ParseContext = { file: input.name, line: 0, state: {}, fileTime: input.fileTime, tenant: this.opts.tenant };
    for await (const r of evtx(Buffer.concat(parts), ctx)) {
      this.counters.lines++; // one record
      if (isSkip(r)) this.skip(r.skip);
      else this.emit([r]);
    }
    await this.drain();
  }

  private async drain(): Promise<void> {
    const ps = this.pending.splice(0);
    if (ps.length) await Promise.all(ps);
  }

  /** End of all input: commits pending state, closes the alerts, closes the sinks. */
  async finish(): Promise<PipelineResult> {
    const alerts = this.engine.finish();
    await this.drain();
    for (const s of this.opts.sinks ?? []) await s.close?.();
    return { alerts, counters: this.counters };
  }
}
