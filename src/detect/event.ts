/**
 * One normalized authentication event, aligned with OCSF Authentication
 * (class 3002): every parser emits this shape, every detector reads it.
 */
export interface AuthEvent {
  /** Epoch milliseconds (UTC). */
  time: number;
  /** Tenant (customer org key) the event belongs to, when known. */
  tenant?: string;
  /** Source address, normalized (IPv6 lower-case, compressed; IPv4-mapped IPv6 unwrapped). */
  srcIp?: string;
  srcPort?: number;
  /**
   * Source named by host rather than address (sshd with `UseDNS yes`, a Windows
   * workstation name in 4776, a PAM `rhost=` that is a name).
   */
  srcHost?: string;
  /** User as written in the log. */
  userRaw?: string;
  /** Normalized user: lower-case, `DOMAIN\user` and `user@domain` reduced to a comparable form. */
  user?: string;
  /** Domain part of the user, when the form carries one. */
  userDomain?: string;
  /** Target host or application signed in to. */
  target?: string;
  /** Which service: sshd, windows, entra, okta, vpn, ... */
  service: string;
  outcome: 'success' | 'failure' | 'unknown';
  /** Why it failed, normalized: bad-password, unknown-user, locked, mfa-denied, mfa-required, expired, disabled, other. */
  reason?: FailureReason;
  /** MFA step details when the event is about one. */
  mfa?: 'challenge' | 'approved' | 'denied' | 'timeout';
  /** Kind of event beyond sign-in: a lockout, a password change. */
  activity?: 'logon' | 'lockout' | 'password-change' | 'mfa';
  /** Set when one log line stands for several identical attempts (rsyslog "message repeated N times"). */
  repeat?: number;
  /** Credential or protocol used: password, publickey, keyboard-interactive, kerberos, ntlm, ... */
  method?: string;
  /** Windows logon type (2 interactive, 3 network, 10 remote interactive, ...), when the source says. */
  logonType?: number;
  /** The vendor's own code or reason text behind `reason` (e.g. `0xC000006A`, `50126`, `INVALID_CREDENTIALS`). */
  detail?: string;
  /** Where it came from: file, 1-based line, and the raw line (capped). */
  file: string;
  line: number;
  raw: string;
}

export type FailureReason =
  | 'bad-password'
  | 'unknown-user'
  | 'locked'
  | 'mfa-denied'
  | 'mfa-required'
  | 'expired'
  | 'disabled'
  | 'preauth'
  | 'other';
