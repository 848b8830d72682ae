/**
 * `journald-json`: the systemd journal exported with `journalctl -o json`
 * (one object per line; see systemd.journal-fields(7) and the Journal Export
 * Format). Fields used: `__REALTIME_TIMESTAMP` (µs since the epoch, as a
 * string), `MESSAGE` (a string, or an array of byte values when the message is
 * not valid UTF-8), `SYSLOG_IDENTIFIER` / `_COMM`, `SYSLOG_PID` / `_PID`,
 * `_HOSTNAME`. The message goes through the same sshd / dropbear / PAM
 * handlers as auth.log lines.
 */
import type { AuthEvent } from '../event.js';
import { jsonParser, str } from './json-lines.js';
import { authMessage } from './sshd-syslog.js';
import type { Head } from './syslog.js';
import { RAW_CAP, type ParseContext, type SkipReason } from './types.js';

/** Head of a journal entry: fields are read when a handler asks. */
class JournalHead implements Head {
  time = NaN;
  rec: Record<string, unknown> = {};
  host(): string {
    return first(this.rec._HOSTNAME) ?? '';
  }
  program(): string {
    return first(this.rec.SYSLOG_IDENTIFIER) ?? first(this.rec._COMM) ?? '';
  }
  pid(): string {
    return first(this.rec.SYSLOG_PID) ?? first(this.rec._PID) ?? '';
  }
  programIs(prefix: string): boolean {
    return this.program().startsWith(prefix);
  }
}

/** A journal field may repeat: JSON export then gives an array of values (journalctl(1), `-o json`). */
function first(v: unknown): string | undefined {
  if (Array.isArray(v)) return str(v[0]);
  return str(v);
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** MESSAGE as text: byte arrays are decoded (invalid bytes become U+FFFD). */
function message(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'number') {
    if (v.length > 65536 || !v.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) return undefined;
    return decoder.decode(Uint8Array.from(v as number[]));
  }
  if (Array.isArray(v)) return str(v[0]);
  return undefined;
}

const head = new JournalHead();

function mapEntry(rec: Record<string, unknown>, ctx: ParseContext, raw: string): AuthEvent[] | SkipReason {
  const msg = message(rec.MESSAGE);
  if (msg === undefined) return 'bad-record';
  head.rec = rec;
  const us = first(rec.__REALTIME_TIMESTAMP) ?? first(rec._SOURCE_REALTIME_TIMESTAMP);
  // Microseconds as a decimal string; dividing keeps millisecond precision within 2^53.
  head.time = us !== undefined && /^\d{1,19}$/.test(us) ? Math.floor(Number(us) / 1000) : NaN;
  const res = authMessage(msg, 0, head, ctx);
  if (typeof res === 'string') return res;
  const capped = raw.length > RAW_CAP ? raw.slice(0, RAW_CAP) : raw;
  for (const ev of res) ev.raw = capped;
  return res;
}

/** journald JSON export parser. */
export const journaldJson = jsonParser({
  name: 'journald-json',
  description: 'systemd journal as `journalctl -o json`: sshd, dropbear and PAM entries',
  detect: (text) => text.includes('"__REALTIME_TIMESTAMP"') && (text.includes('"MESSAGE"') || text.includes('"__CURSOR"')),
  // Identifier or message must name a handled program; byte-array messages still carry SYSLOG_IDENTIFIER.
  prefilter: (text) => text.includes('sshd') || text.includes('dropbear') || text.includes('authentication failure'),
  map: mapEntry,
});
