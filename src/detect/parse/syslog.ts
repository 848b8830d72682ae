/**
 * Syslog line framing, shared by the sshd/PAM/dropbear parser and the VPN
 * appliance parsers. Reads the header forms found in real files:
 * - RFC 3164 (BSD): `[<PRI>]Mmm dd HH:MM:SS host tag[pid]: msg` (host may be absent),
 *   and the Cisco form with a year, `Mmm dd yyyy HH:MM:SS`;
 * - RFC 3339 stamps in place of the BSD one (rsyslog `RSYSLOG_FileFormat`);
 * - RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD...] MSG` (§6).
 * It records offsets only; strings are cut when a handler needs them, so a
 * line that is not an authentication event costs no allocation.
 */
import { cursor, parseBsd, parseIso } from './time.js';
import type { ParseContext } from './types.js';

/** Local alias of the timestamp parsers' end cursor. */
const C = cursor;

/** What a message handler knows about the line's origin; strings are made on request. */
export interface Head {
  /** Epoch ms of the record; NaN when its timestamp is bad. */
  time: number;
  host(): string;
  program(): string;
  /** Process id as text, '' when the line has none. */
  pid(): string;
  /** Whether the program name starts with `prefix`. */
  programIs(prefix: string): boolean;
}

/** Offsets of one syslog line's header fields. Reused for every line (no per-line allocation). */
export class SyslogHead implements Head {
  line = '';
  time = NaN;
  hostS = 0;
  hostE = 0;
  progS = 0;
  progE = 0;
  pidS = 0;
  pidE = 0;
  /** Index where the message text begins. */
  msg = 0;
  /** Last RFC 3164 stamp text (`Mmm dd HH:MM:SS`) and its value, valid for one file time. */
  stamp = '';
  stampLen = 0;
  stampTime = NaN;
  stampRef = NaN;
  /** Forgets the stamp cache (another file, or another file time). */
  reset(ctx: ParseContext): void {
    if (this.stampRef !== ctx.fileTime || ctx.tzOffsetMinutes) this.stampLen = 0;
  }
  host(): string {
    // Most lines of a file name the same host: reuse the last string instead of cutting a new one.
    const len = this.hostE - this.hostS;
    if (len === this.lastHost.length && this.line.startsWith(this.lastHost, this.hostS)) return this.lastHost;
    this.lastHost = this.line.slice(this.hostS, this.hostE);
    return this.lastHost;
  }
  private lastHost = '';
  program(): string {
    return this.line.slice(this.progS, this.progE);
  }
  pid(): string {
    return this.line.slice(this.pidS, this.pidE);
  }
  /** Whether the program name starts with `prefix` (no allocation). */
  programIs(prefix: string): boolean {
    return this.progE - this.progS >= prefix.length && this.line.startsWith(prefix, this.progS);
  }
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Index of the next space at or after `i` (or the end). */
function nextSpace(s: string, i: number): number {
  const j = s.indexOf(' ', i);
  return j < 0 ? s.length : j;
}

/**
 * Parses a syslog header into `h`. Returns false when the line does not start
 * like syslog (the caller then classifies it as junk or another format).
 * A recognizable header whose date is impossible gives `h.time` NaN.
 */
export function parseSyslogHeader(line: string, ctx: ParseContext, h: SyslogHead): boolean {
  h.line = line;
  h.reset(ctx);
  h.hostS = h.hostE = h.progS = h.progE = h.pidS = h.pidE = 0;
  let p = 0;
  if (line.charCodeAt(0) === 60) {
    // <PRI> (RFC 5424 §6.2.1, RFC 3164 §4.1.1): 1-3 digits.
    const gt = line.indexOf('>', 1);
    if (gt < 2 || gt > 4) return false;
    for (let k = 1; k < gt; k++) if (!isDigit(line.charCodeAt(k))) return false;
    p = gt + 1;
    if (line.charCodeAt(p) === 49 && line.charCodeAt(p + 1) === 32) return parse5424(line, p + 2, ctx, h);
  }
  const c = line.charCodeAt(p);
  if (isDigit(c)) {
    h.time = parseIso(line, p, ctx.tzOffsetMinutes ?? 0);
    if (Number.isNaN(h.time) && line.charCodeAt(p + 4) !== 45) return false;
    p = Number.isNaN(h.time) ? nextSpace(line, p) : C.end;
  } else if (h.stampLen > 0 && line.startsWith(h.stamp, p) && line.charCodeAt(p + h.stampLen) === 32) {
    // Consecutive lines mostly share their second: reuse the last RFC 3164 stamp's value.
    h.time = h.stampTime;
    p += h.stampLen;
  } else {
    h.time = parseBsd(line, p, ctx);
    if (!Number.isNaN(h.time) && ctx.fileTime !== undefined && C.end - p === 15) {
      h.stamp = line.slice(p, C.end);
      h.stampLen = 15;
      h.stampTime = h.time;
      h.stampRef = ctx.fileTime;
    }
    if (Number.isNaN(h.time)) {
      // A month name followed by junk is a damaged header; anything else is not syslog.
      if (line.charCodeAt(p + 3) !== 32 || !/^[A-Za-z]{3} [ \d]\d/.test(line.slice(p, p + 6))) return false;
      const colon = line.indexOf(':', p);
      p = colon < 0 ? line.length : colon;
      p = nextSpace(line, p);
    } else p = C.end;
  }
  if (line.charCodeAt(p) !== 32) return false;
  p++;
  return parseHostAndTag(line, p, h);
}

/** After the timestamp: `[host ]tag[: ]msg`, deciding whether the first word is a host or the tag. */
function parseHostAndTag(line: string, start: number, h: SyslogHead): boolean {
  let p = start;
  const e1 = nextSpace(line, p);
  if (e1 === p) return false;
  // A tag ends with `:` (`sshd[1]:`, `sshd:`) or is bracketed (`[sshd]`); Cisco tags start with `%`.
  // A host name does neither, so no scan of the word is needed.
  const c0 = line.charCodeAt(p);
  const isTag = line.charCodeAt(e1 - 1) === 58 || c0 === 91 || c0 === 37;
  if (!isTag) {
    h.hostS = p;
    h.hostE = e1;
    p = e1 + 1;
    // Cisco: `host : %ASA-6-113015: ...`
    if (line.charCodeAt(p) === 58 && line.charCodeAt(p + 1) === 32) p += 2;
  }
  return parseTag(line, p, h);
}

function parseTag(line: string, p: number, h: SyslogHead): boolean {
  const end = nextSpace(line, p);
  let tagEnd = end;
  if (line.charCodeAt(tagEnd - 1) === 58) tagEnd--;
  if (tagEnd <= p) return false;
  if (line.charCodeAt(p) === 91) {
    // `[sshd]` / `[sshd]:`
    const close = line.indexOf(']', p);
    if (close < 0 || close > tagEnd) return false;
    h.progS = p + 1;
    h.progE = close;
  } else {
    const br = line.indexOf('[', p);
    if (br > p && br < tagEnd && line.charCodeAt(tagEnd - 1) === 93) {
      h.progS = p;
      h.progE = br;
      h.pidS = br + 1;
      h.pidE = tagEnd - 1;
    } else {
      h.progS = p;
      h.progE = tagEnd;
    }
  }
  h.msg = end < line.length ? end + 1 : end;
  return true;
}

/** RFC 5424 §6: VERSION already read; `TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]`. */
function parse5424(line: string, start: number, ctx: ParseContext, h: SyslogHead): boolean {
  let p = start;
  if (line.charCodeAt(p) === 45) {
    h.time = NaN; // NILVALUE timestamp: the record has no time
    p++;
  } else {
    h.time = parseIso(line, p, ctx.tzOffsetMinutes ?? 0);
    p = Number.isNaN(h.time) ? nextSpace(line, p) : C.end;
  }
  if (line.charCodeAt(p) !== 32) return false;
  const fields = [0, 0, 0, 0, 0, 0];
  for (let f = 0; f < 3; f++) {
    p++;
    const e = nextSpace(line, p);
    fields[f * 2] = p;
    fields[f * 2 + 1] = e;
    p = e;
    if (p >= line.length) return false;
  }
  h.hostS = fields[0] as number;
  h.hostE = fields[1] as number;
  if (line.charCodeAt(h.hostS) === 45 && h.hostE - h.hostS === 1) h.hostE = h.hostS;
  h.progS = fields[2] as number;
  h.progE = fields[3] as number;
  h.pidS = fields[4] as number;
  h.pidE = fields[5] as number;
  if (line.charCodeAt(h.pidS) === 45 && h.pidE - h.pidS === 1) h.pidE = h.pidS;
  p++;
  p = nextSpace(line, p); // MSGID
  if (p >= line.length) return false;
  p++;
  // STRUCTURED-DATA: `-` or `[id k="v"...]...`; values escape `"`, `\` and `]` with `\` (§6.3.3).
  if (line.charCodeAt(p) === 45) p++;
  else {
    while (line.charCodeAt(p) === 91) {
      let inQuote = false;
      p++;
      while (p < line.length) {
        const c = line.charCodeAt(p);
        if (c === 92 && inQuote) p++;
        else if (c === 34) inQuote = !inQuote;
        else if (c === 93 && !inQuote) break;
        p++;
      }
      if (p >= line.length) return false;
      p++;
    }
  }
  if (line.charCodeAt(p) === 32) p++;
  if (line.charCodeAt(p) === 0xfeff) p++; // BOM before a UTF-8 MSG (§6.4)
  h.msg = p;
  return true;
}
