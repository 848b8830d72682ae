/**
 * Deterministic test logs for the detection benchmark (seeded PRNG, so every
 * run and every machine writes the same bytes): a mixed sshd log with about
 * 3 % failures, and a log of failures only from about 260 000 sources.
 * Stamps are RFC 3339, which fail2ban and CrowdSec read without guessing a year.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** mulberry32: a small, fast, seeded PRNG (returns [0, 1)). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.UTC(2024, 2, 4);
const COMMON = ['root', 'admin', 'test', 'user', 'ubuntu', 'oracle', 'postgres', 'git', 'ftp', 'guest', 'pi', 'support', 'www', 'mysql', 'jenkins', 'deploy', 'ansible', 'debian', 'centos', 'hadoop'];

/** Buffered line writer: joins lines and writes them in large pieces. */
class Out {
  private buf: string[] = [];
  private readonly fd: number;
  lines = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  line(s: string): void {
    this.buf.push(s);
    this.lines++;
    if (this.buf.length >= 20_000) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, `${this.buf.join('\n')}\n`);
    this.buf = [];
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Caches the RFC 3339 stamp of the current second. */
function stamper(): (t: number) => string {
  let sec = -1;
  let text = '';
  return (t) => {
    const s = Math.floor(t / 1000);
    if (s !== sec) {
      sec = s;
      text = `${new Date(s * 1000).toISOString().slice(0, 19)}.000000+00:00`;
    }
    return text;
  };
}

const ipv4 = (r: () => number): string => `${1 + Math.floor(r() * 222)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;

/**
 * A mixed auth.log of `lines` lines over one day: sessions, cron and key
 * logins of a busy server, and about 3 % failed password attempts from brute
 * forcers, scanners and a slow spray.
 */
export function writeMixed(path: string, lines = 1_000_000): { lines: number; failures: number } {
  const r = rng(20240304);
  const out = new Out(path);
  const ts = stamper();
  const bruteForcers = Array.from({ length: 20 }, () => ipv4(r));
  const scanners = Array.from({ length: 3_000 }, () => ipv4(r));
  const sprayers = Array.from({ length: 500 }, () => ipv4(r));
  const staff = Array.from({ length: 2_000 }, (_, i) => `staff${i}`);
  const step = 86_400_000 / lines;
  let failures = 0;
  let pid = 1000;
  for (let i = 0; out.lines < lines; i++) {
    const t = T0 + Math.floor(i * step);
    const head = `${ts(t)} web01 sshd[${(pid = pid > 64000 ? 1000 : pid + 7)}]: `;
    const port = 30000 + Math.floor(r() * 35000);
    const x = r();
    if (x < 0.03) {
      failures++;
      const y = r();
      if (y < 0.4) out.line(`${head}Failed password for root from ${bruteForcers[Math.floor(r() * 20)]} port ${port} ssh2`);
      else if (y < 0.7) {
        const u = `${COMMON[Math.floor(r() * COMMON.length)]}${Math.floor(r() * 100)}`;
        out.line(`${head}Failed password for invalid user ${u} from ${scanners[Math.floor(r() * scanners.length)]} port ${port} ssh2`);
      } else out.line(`${head}Failed password for ${staff[Math.floor(r() * staff.length)]} from ${sprayers[Math.floor(r() * sprayers.length)]} port ${port} ssh2`);
    } else if (x < 0.37) {
      out.line(`${head}Accepted publickey for deploy from 10.1.${Math.floor(r() * 20)}.${1 + Math.floor(r() * 250)} port ${port} ssh2: ED25519 SHA256:Zm9vYmFyYmF6cXV4cXV1eGZvb2Jhcg`);
    } else if (x < 0.67) out.line(`${head}pam_unix(sshd:session): session opened for user deploy(uid=1000) by (uid=0)`);
    else if (x < 0.85) out.line(`${head}pam_unix(sshd:session): session closed for user deploy`);
    else out.line(`${ts(t)} web01 CRON[${pid + 3}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`);
  }
  out.close();
  return { lines: out.lines, failures };
}

/**
 * `lines` failed password attempts over four hours from about 260 000
 * sources (a botnet: each source tries a few common or dictionary names),
 * with 200 of them hammering fast enough to be brute force.
 */
export function writeFailures(path: string, lines = 1_000_000, sources = 260_000): { lines: number } {
  const r = rng(260_000);
  const out = new Out(path);
  const ts = stamper();
  const pool = Array.from({ length: sources }, (_, i) =>
    i % 100 === 99 ? `2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::${(1 + Math.floor(r() * 0xfffe)).toString(16)}` : ipv4(r),
  );
  const hammers = pool.slice(0, 200);
  const step = (4 * 3_600_000) / lines;
  let pid = 1000;
  for (let i = 0; i < lines; i++) {
    const t = T0 + Math.floor(i * step);
    const head = `${ts(t)} bastion sshd[${(pid = pid > 64000 ? 1000 : pid + 7)}]: `;
    const port = 30000 + Math.floor(r() * 35000);
    const hammer = r() < 0.005;
    const src = hammer ? hammers[Math.floor(r() * hammers.length)]! : pool[Math.floor(r() * pool.length)]!;
    const common = hammer || r() < 0.5;
    const user = common ? COMMON[Math.floor(r() * (hammer ? 2 : COMMON.length))]! : `user${Math.floor(r() * 20_000)}`;
    const invalid = !common || user.length > 6;
    out.line(`${head}Failed password for ${invalid ? 'invalid user ' : ''}${user} from ${src} port ${port} ssh2`);
  }
  out.close();
  return { lines: out.lines };
}
