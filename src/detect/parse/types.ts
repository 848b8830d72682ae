/**
 * The parser contract: every authentication-log format is read by one parser
 * that turns a line (or, for EVTX, a file's bytes) into normalized
 * {@link AuthEvent}s, or says in a short stable word why it did not.
 *
 * A skip is never silent: the pipeline counts every skip reason, and the ones
 * listed as problems in {@link SKIP_REASONS} are reported as bad input.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { AuthEvent } from '../event.js';

/**
 * Why a line gave no event. A short stable word (see {@link SKIP_REASONS}),
 * so the pipeline can count lines by reason.
 */
export type SkipReason = string;

/** Per-file parsing context. One object per input file, kept across its lines. */
export interface ParseContext {
  /** File name as given by the user (or `-` for stdin); copied into every event. */
  file: string;
  /** 1-based number of the line being parsed; the caller sets it before each call. */
  line: number;
  /**
   * Parser-private state for this file: RFC 3164 year inference, per-connection
   * sshd state, multi-line record buffers, CSV headers. Start with `{}`.
   */
  state: Record<string, unknown>;
  /**
   * File modification time (epoch ms). RFC 3164 timestamps carry no year; it is
   * inferred so that no event lies after this time (plus a day of slack for
   * unknown zones). Without it the wall clock is used (stdin, `--follow`).
   */
  fileTime?: number;
  /** Tenant every event of this file belongs to, when the caller knows it. */
  tenant?: string;
  /**
   * Offset of the local zone for timestamps that carry none (RFC 3164, bare
   * ISO, FortiGate without `tz`), in minutes east of UTC. Default 0 (UTC).
   */
  tzOffsetMinutes?: number;
  /**
   * Receives skips of records that share a line with others (a one-line JSON
   * array or Graph page): the line's return value can carry only one reason.
   * Without it such skips are lost from the counts, so the pipeline should set it.
   */
  onSkip?: (reason: SkipReason, line: number) => void;
}

/** A line-oriented parser: syslog, JSON lines, XML records, CSV. */
export interface LineParser {
  /** Stable name used by `--format` and in summaries: `sshd-syslog`, `journald-json`, `windows-xml`, ... */
  name: string;
  /** One sentence for `--help` and docs. */
  description: string;
  /**
   * Longest line this format legitimately has, when more than {@link MAX_LINE}
   * (a Graph or Okta API page is one JSON line of several MB). The line reader
   * caps at the larger of the two.
   */
  maxLine?: number;
  /** Cheap test on a sample of the first lines: can this parser read this file? */
  detect(sample: string[]): boolean;
  /** Parses one line; returns events (0..n), or a SkipReason when the line is not for us or bad. */
  parseLine(line: string, ctx: ParseContext): AuthEvent[] | SkipReason;
  /**
   * Called once at end of input for formats whose records span lines (XML,
   * pretty-printed JSON): reports what is still buffered (`truncated`), or
   * undefined when nothing is (nothing to count).
   */
  flush?(ctx: ParseContext): AuthEvent[] | SkipReason | undefined;
}

/** A skipped record of a whole-file parser (EVTX), with where it was. */
export interface Skip {
  skip: SkipReason;
  /** Record number (EVTX) or 0 when the problem is the file itself. */
  line: number;
  /** Free text for the user (kept out of the counted reason). */
  detail?: string;
}

/** True when a value from a whole-file parser is a {@link Skip}. */
export const isSkip = (v: AuthEvent | Skip): v is Skip => (v as Skip).skip !== undefined;

/** Describes one skip reason: what it means and whether it is bad input (counted as a problem). */
export interface SkipInfo {
  problem: boolean;
  /** Error code a report or API maps the problem to. */
  code?: ErrorCode;
  text: string;
}

/**
 * Every skip reason a parser may return. Benign reasons (`problem: false`) are
 * lines that are simply not authentication events; problems are bad input.
 */
export const SKIP_REASONS = {
  empty: { problem: false, text: 'empty line' },
  'not-auth': { problem: false, text: 'not an authentication event' },
  unrecognized: { problem: false, text: 'line is not in this format' },
  'same-attempt': { problem: false, text: 'another line of an attempt already counted' },
  'pubkey-probe': { problem: false, text: 'public key offered and refused; counted when the connection ends' },
  continued: { problem: false, text: 'part of a multi-line record, reported on its first line' },
  header: { problem: false, text: 'header line' },
  'bad-timestamp': { problem: true, code: 'HG_ERR_VALIDATION', text: 'timestamp missing or invalid' },
  'bad-record': { problem: true, code: 'HG_ERR_VALIDATION', text: 'record lacks required fields' },
  'bad-json': { problem: true, code: 'HG_ERR_JSON', text: 'malformed JSON' },
  'bad-csv': { problem: true, code: 'HG_ERR_CSV', text: 'malformed CSV' },
  'bad-xml': { problem: true, code: 'HG_ERR_VALIDATION', text: 'malformed XML' },
  'hostile-xml': { problem: true, code: 'HG_ERR_VALIDATION', text: 'XML with a DTD or entity declaration (refused)' },
  'invalid-utf8': { problem: true, code: 'HG_ERR_ENCODING', text: 'invalid UTF-8' },
  binary: { problem: true, code: 'HG_ERR_ENCODING', text: 'binary data' },
  'line-too-long': { problem: true, code: 'HG_ERR_LINE_TOO_LONG', text: 'line longer than the limit' },
  'record-too-large': { problem: true, code: 'HG_ERR_FILE_TOO_LARGE', text: 'multi-line record larger than the limit' },
  truncated: { problem: true, code: 'HG_ERR_VALIDATION', text: 'record cut short at end of input' },
  'not-evtx': { problem: true, code: 'HG_ERR_UNRECOGNIZED_FILE', text: 'not an EVTX file (bad header)' },
  'evtx-corrupt': { problem: true, code: 'HG_ERR_VALIDATION', text: 'corrupt EVTX chunk or record' },
} as const satisfies Record<string, SkipInfo>;

/** The known skip reasons. */
export type KnownSkip = keyof typeof SKIP_REASONS;

/** Describes a skip reason; unknown reasons are reported as problems. */
export function skipInfo(reason: SkipReason): SkipInfo {
  return (SKIP_REASONS as Record<string, SkipInfo>)[reason] ?? { problem: true, code: 'HG_ERR_VALIDATION', text: reason };
}

/** Longest line a parser is asked to read; the line reader reports longer ones as `line-too-long`. */
export const MAX_LINE = 64 * 1024;
/** Longest multi-line record (XML event, pretty-printed JSON object) a parser buffers. */
export const MAX_RECORD = 1024 * 1024;
/** Raw text kept in an event, for evidence. */
export const RAW_CAP = 2048;
