/**
 * Per-connection state for daemons that log one SSH attempt on several lines
 * (OpenSSH: `Invalid user`, the PAM failure and `Failed password` of one try;
 * dropbear: the failures then `Exit before auth`). Keyed by host and pid: one
 * sshd child serves one connection (OpenSSH privilege separation), so the pid
 * names the connection while it lives. Bounded in size and age.
 */
import type { FailureReason } from '../event.js';
import type { ParseContext } from './types.js';

/** What is known about one live connection. */
export interface Conn {
  /** Time of the last line seen for it. */
  t: number;
  /** Attempts already reported for it. */
  attempts: number;
  /**
   * Kind of line that opened the try in progress ('' when none): the lines that
   * follow it up to `Failed ...` are the same try. A second line of the same
   * kind opens a new try (sshd on macOS logs only the PAM line per try).
   */
  pending: string;
  /** Public keys offered and refused (a legitimate client with several keys does this; counted only if it never gets in). */
  pk: number;
  /** The user was reported unknown (`Invalid user`). */
  invalid: boolean;
  /** A failure cause learned from a line without an address, used when the attempt is reported. */
  deferred?: FailureReason;
  /** The peer address as the daemon wrote it, once a line gave it. */
  ip?: string;
  /** The connection already ended and was reported. */
  closed: boolean;
}

/** Most connections tracked per file; the oldest are forgotten first. */
export const CONN_CAP = 20_000;
/**
 * A connection not heard of for this long is forgotten. Authentication must
 * finish within OpenSSH's LoginGraceTime (120 s by default); beyond that a
 * busy server may have reused the pid.
 */
export const CONN_TTL = 3 * 60_000;

function table(ctx: ParseContext): Map<string, Conn> {
  let m = ctx.state.conns as Map<string, Conn> | undefined;
  if (!m) {
    m = new Map();
    ctx.state.conns = m;
  }
  return m;
}

/**
 * Looks up a connection. A stale one (older than {@link CONN_TTL}) or one
 * from another peer address (a reused pid) counts as absent.
 */
export function findConn(ctx: ParseContext, key: string | undefined, t: number, ip?: string): Conn | undefined {
  if (key === undefined) return undefined;
  const m = table(ctx);
  const c = m.get(key);
  if (!c) return undefined;
  if (Math.abs(t - c.t) > CONN_TTL || (ip !== undefined && c.ip !== undefined && ip !== c.ip)) {
    m.delete(key);
    return undefined;
  }
  c.t = t;
  if (ip !== undefined) c.ip = ip;
  return c;
}

/** Looks up or creates a connection. Returns a throwaway one when there is no key (no pid). */
export function conn(ctx: ParseContext, key: string | undefined, t: number, ip?: string): Conn {
  const found = findConn(ctx, key, t, ip);
  if (found) return found;
  const c: Conn = { t, attempts: 0, pending: '', pk: 0, invalid: false, closed: false, ip };
  if (key === undefined) return c;
  const m = table(ctx);
  if (m.size >= CONN_CAP) {
    // Maps iterate in insertion order: drop the oldest tenth in one go.
    let n = CONN_CAP / 10;
    for (const k of m.keys()) {
      m.delete(k);
      if (--n <= 0) break;
    }
  }
  m.set(key, c);
  return c;
}

/**
 * Accounts one line of kind `kind` to the connection's tries. Returns true
 * when the line opens a new try (report it), false when it continues the try
 * in progress. `endsTry` marks the line that closes a try (`Failed ...`).
 */
export function attempt(c: Conn, kind: string, endsTry: boolean): boolean {
  if (c.pending !== '' && c.pending !== kind) {
    if (endsTry) c.pending = '';
    return false;
  }
  c.attempts++;
  c.pending = endsTry ? '' : kind;
  return true;
}

/** Registers a second key (address and port) for a connection, for logs whose lines do not share a pid. */
export function alias(ctx: ParseContext, key: string, c: Conn): void {
  const m = table(ctx);
  if (m.size < CONN_CAP) m.set(key, c);
}

/** Forgets a connection. */
export function dropConn(ctx: ParseContext, key: string | undefined): void {
  if (key !== undefined) table(ctx).delete(key);
}
