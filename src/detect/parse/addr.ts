/**
 * Locating the peer address in OpenSSH-style messages. The user name in these
 * messages is chosen by the remote side and may itself contain
 * `from 10.0.0.1 port 22 ssh2` (a known log-injection trick against
 * fail2ban-style regexes), so addresses are read from the end of the message,
 * where the client cannot write, and the user is whatever lies before.
 */

/** Result of the last successful address match (reused; read it before the next call). */
export const A = { ipS: 0, ipE: 0, port: undefined as number | undefined, before: 0, after: 0 };

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** True when `s[i, j)` could be an address or host name (no spaces, printable ASCII). */
function plausibleHost(s: string, i: number, j: number): boolean {
  if (j <= i || j - i > 255) return false;
  for (let k = i; k < j; k++) {
    const c = s.charCodeAt(k);
    if (c <= 32 || c > 126) return false;
  }
  return true;
}

/**
 * Matches `<addr>[ port N][ ssh2|ssh1]` starting at `p` and ending at `end`,
 * or followed by `: info` when `info` is allowed (Accepted publickey prints
 * the key after a colon). Fills {@link A}.
 */
function fwdAddr(s: string, p: number, end: number, info: boolean): boolean {
  let e = s.indexOf(' ', p);
  if (e < 0 || e > end) e = end;
  let ipE = e;
  // "from 192.0.2.1: 11: Bye" (old Received disconnect) and "host:" forms end the token with a colon.
  if (s.charCodeAt(ipE - 1) === 58 && s.charCodeAt(ipE - 2) !== 58) ipE--;
  if (!plausibleHost(s, p, ipE)) return false;
  let q = e;
  let port: number | undefined;
  if (s.startsWith(' port ', q)) {
    let k = q + 6;
    let n = 0;
    while (k < end && isDigit(s.charCodeAt(k))) n = n * 10 + (s.charCodeAt(k++) - 48);
    if (k === q + 6) return false;
    port = n;
    q = k;
  }
  if (s.startsWith(' ssh2', q) || s.startsWith(' ssh1', q)) q += 5;
  // A colon-ended token (`from 192.0.2.1: 11: Bye`) is followed by the peer's text, which is fine.
  const rest = q === end || ipE < e || (info && s.charCodeAt(q) === 58) || s.startsWith(' via ', q);
  if (!rest) return false;
  A.ipS = p;
  A.ipE = ipE;
  A.port = port;
  A.after = q;
  return true;
}

/**
 * Finds the right-most `<word><addr>...` (word such as ` from `) whose address
 * part matches the tail shape, searching no further left than `min`.
 * `A.before` is set to the index of the word.
 */
export function addrAfterWord(s: string, word: string, min: number, end: number, info = false): boolean {
  let k = s.lastIndexOf(word, end - word.length);
  while (k >= min) {
    if (fwdAddr(s, k + word.length, end, info)) {
      A.before = k;
      return true;
    }
    if (k === 0) break;
    k = s.lastIndexOf(word, k - 1);
  }
  return false;
}

/**
 * Matches `<addr>[ port N]` at the very end of `s[..end)` (the form of
 * `Connection closed by [authenticating user X ]<addr> port N`). `A.before`
 * is the index of the space before the address.
 */
export function addrAtEnd(s: string, min: number, end: number): boolean {
  let e = end;
  let port: number | undefined;
  let j = e;
  while (j > min && isDigit(s.charCodeAt(j - 1))) j--;
  if (j < e && j - 6 >= min && s.startsWith(' port ', j - 6)) {
    port = Number(s.slice(j, e));
    e = j - 6;
  }
  const sp = s.lastIndexOf(' ', e - 1);
  const start = sp < min ? min : sp + 1;
  if (!plausibleHost(s, start, e)) return false;
  A.ipS = start;
  A.ipE = e;
  A.port = port;
  A.before = sp < min ? min : sp;
  A.after = end;
  return true;
}

/** Strips a trailing ` [preauth]` (OpenSSH marks messages of the pre-authentication child). */
export function preauthEnd(s: string): number {
  return s.endsWith(' [preauth]') ? s.length - 10 : s.endsWith('[preauth]') ? s.length - 9 : s.length;
}

/**
 * Splits dropbear's `addr:port` (`198.51.100.87:5543`, `::ffff:192.0.2.1:60495`,
 * `[2001:db8::1]:22`) at `s[i, end)`. Fills {@link A}.
 */
export function hostColonPort(s: string, i: number, end: number): boolean {
  let a = i;
  let b = end;
  if (s.charCodeAt(a) === 60 && s.charCodeAt(b - 1) === 62) {
    a++;
    b--;
  }
  const colon = s.lastIndexOf(':', b - 1);
  let port: number | undefined;
  let ipS = a;
  let ipE = b;
  if (colon > a) {
    let ok = colon < b - 1;
    for (let k = colon + 1; k < b; k++) if (!isDigit(s.charCodeAt(k))) ok = false;
    if (ok) {
      port = Number(s.slice(colon + 1, b));
      ipE = colon;
    }
  }
  if (s.charCodeAt(ipS) === 91 && s.charCodeAt(ipE - 1) === 93) {
    ipS++;
    ipE--;
  }
  if (!plausibleHost(s, ipS, ipE)) return false;
  A.ipS = ipS;
  A.ipE = ipE;
  A.port = port;
  A.before = i;
  A.after = end;
  return true;
}
