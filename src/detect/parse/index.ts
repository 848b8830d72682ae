/**
 * Registry of authentication-log parsers: the list the pipeline iterates,
 * detection of a file's format from its first lines, and lookup by name for
 * `--format`. Order matters for detection: the most specific formats first.
 */
import { csvParser, type ColumnMap } from './csv.js';
import { entraJson } from './entra.js';
import { ciscoAsa } from './cisco-asa.js';
import { fortigate } from './fortigate.js';
import { globalProtect } from './globalprotect.js';
import { journaldJson } from './journald.js';
import { ocsfJson } from './ocsf.js';
import { oktaJson } from './okta.js';
import { sshdSyslog } from './sshd-syslog.js';
import { syslogMixed } from './syslog-mixed.js';
import type { LineParser } from './types.js';
import { winlogbeatJson } from './winlogbeat.js';
import { windowsXml } from './windows-xml.js';

export type { LineParser, ParseContext, Skip, SkipReason, SkipInfo } from './types.js';
export { SKIP_REASONS, skipInfo, isSkip, MAX_LINE, MAX_RECORD, RAW_CAP } from './types.js';
export { parseEvtx, isEvtx, type EvtxOptions } from './evtx.js';
export { parseColumnMap, type ColumnMap } from './csv.js';
export { normalizeIp } from './ip.js';

/** Name of the whole-file EVTX reader (not a line parser; see {@link parseEvtx}). */
export const EVTX_FORMAT = 'windows-evtx';

/**
 * Every line parser, in detection order. JSON formats come first (their keys
 * are unambiguous), then XML, then a collector file that mixes syslog sources,
 * the single-source appliance formats, the generic auth.log parser, and CSV
 * last (it needs a header).
 */
export const PARSERS: readonly LineParser[] = [
  journaldJson,
  winlogbeatJson,
  entraJson,
  oktaJson,
  ocsfJson,
  windowsXml,
  syslogMixed,
  fortigate,
  ciscoAsa,
  globalProtect,
  sshdSyslog,
  csvParser(),
];

/** Other names users may pass to `--format`. */
const ALIASES: Record<string, string> = {
  sshd: 'sshd-syslog',
  syslog: 'sshd-syslog',
  'auth.log': 'sshd-syslog',
  dropbear: 'sshd-syslog',
  pam: 'sshd-syslog',
  journald: 'journald-json',
  journal: 'journald-json',
  winlogbeat: 'winlogbeat-json',
  ecs: 'winlogbeat-json',
  windows: 'windows-xml',
  xml: 'windows-xml',
  evtx: EVTX_FORMAT,
  entra: 'entra-json',
  azure: 'entra-json',
  okta: 'okta-json',
  ocsf: 'ocsf-json',
  asa: 'cisco-asa',
  cisco: 'cisco-asa',
  forti: 'fortigate',
  paloalto: 'globalprotect',
  'pan-os': 'globalprotect',
  mixed: 'syslog-mixed',
  collector: 'syslog-mixed',
};

/** Options for building a parser by name. */
export interface ParserOptions {
  /** CSV column map (`--map time=ts,user=account,...`). */
  map?: ColumnMap;
}

/**
 * The parser for a `--format` name or alias; undefined when unknown. The EVTX
 * reader is not a line parser: check {@link EVTX_FORMAT} first.
 */
export function parserByName(name: string, opts: ParserOptions = {}): LineParser | undefined {
  const n = ALIASES[name.toLowerCase()] ?? name.toLowerCase();
  if (n === 'csv') return csvParser(opts.map);
  return PARSERS.find((p) => p.name === n);
}

/** Every name `--format` accepts, for help and error messages. */
export function formatNames(): string[] {
  return [...PARSERS.map((p) => p.name), EVTX_FORMAT];
}

/**
 * Detects a file's format from its first lines (and its name, for `.evtx`
 * and `.csv`). Returns a parser name, {@link EVTX_FORMAT}, or undefined when
 * nothing recognizes it. Pass at least 20 lines when the file has them.
 */
export function detectFormat(sample: string[], fileName = ''): string | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.evtx')) return EVTX_FORMAT;
  const first = sample.find((l) => l.trim() !== '') ?? '';
  if (first.startsWith('ElfFile')) return EVTX_FORMAT;
  for (const p of PARSERS) if (p.detect(sample)) return p.name;
  return undefined;
}
