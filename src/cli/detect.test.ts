import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { main } from './main.js';
import type { CliContext } from './context.js';
import { createDetectCommand } from './detect.js';
import type { AlertEvent } from '../detect/alerts.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

function context(): { ctx: CliContext; out: Capture; err: Capture } {
  const out = new Capture();
  const err = new Capture();
  return { ctx: { stdout: out, stderr: err, env: {}, cwd: process.cwd(), interactive: false }, out, err };
}

const stamp = (sec: number): string => {
  const d = new Date(Date.UTC(2026, 2, 4, 1, 0, 0) + sec * 1000);
  return `${d.toISOString().slice(0, 19)}+00:00`;
};
/** A fast brute force (30 failures 2 s apart), an attacker's success, and benign noise, as RFC 3339 syslog. */
const ATTACK = [
  ...Array.from({ length: 30 }, (_, i) => `${stamp(i * 2)} web01 sshd[${1000 + i}]: Failed password for root from 203.0.113.10 port ${40000 + i} ssh2`),
  ...Array.from({ length: 8 }, (_, i) => `${stamp(200 + i * 5)} web01 sshd[${2000 + i}]: Failed password for alice from 198.51.100.77 port ${41000 + i} ssh2`),
  `${stamp(250)} web01 sshd[2100]: Accepted password for alice from 198.51.100.77 port 41100 ssh2`,
].join('\n');
const BENIGN = [
  `${stamp(0)} web01 sshd[3000]: Failed password for emp1 from 10.0.1.5 port 50000 ssh2`,
  `${stamp(6)} web01 sshd[3001]: Accepted password for emp1 from 10.0.1.5 port 50001 ssh2`,
  `${stamp(9)} web01 sshd[3002]: Accepted publickey for deploy from 10.1.0.4 port 50002 ssh2: RSA SHA256:abc`,
  `${stamp(12)} web01 CRON[3003]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`,
].join('\n');

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hg-detect-'));
  await writeFile(join(dir, 'attack.log'), `${ATTACK}\n`);
  await writeFile(join(dir, 'benign.log'), `${BENIGN}\n`);
  await writeFile(join(dir, 'attack.log.gz'), gzipSync(`${ATTACK}\n`));
  await writeFile(join(dir, 'garbage.bin'), Buffer.from([0, 1, 2, 3, 255, 254, 10, 0, 0, 0]));
  await writeFile(join(dir, 'bad-rules.yaml'), 'rules:\n  - id: brute-force.fast\n    threshold: -1\n    window: soon\n  - id: new.rule\n    kind: threshold\n');
  await writeFile(join(dir, 'rules.yaml'), 'allow:\n  sources: [203.0.113.0/24]\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hubguard detect', () => {
  it('prints an alert table and a summary, and exits 3 on alerts', async () => {
    const { ctx, out, err } = context();
    const code = await main(['detect', join(dir, 'attack.log')], ctx);
    expect(code).toBe(3);
    expect(out.text).toContain('brute-force.fast');
    expect(out.text).toContain('success-after-failures');
    expect(err.text).toMatch(/read 1 input\(s\), 39 lines/);
    expect(err.text).toMatch(/alerts: 3 \(/);
  });

  it('draws a progress bar with lines/s on a terminal, and clears it', async () => {
    const { ctx, err } = context();
    expect(await main(['detect', join(dir, 'attack.log')], { ...ctx, interactive: true })).toBe(3);
    expect(err.text).toMatch(/\rdetecting \[#+\] 100% .* 39 lines \([\d,]+\/s\)/);
    expect(err.text).toContain('\r\u001b[K');
  });

  it('exits 0 without alerts on benign input', async () => {
    const { ctx, out, err } = context();
    expect(await main(['detect', join(dir, 'benign.log')], ctx)).toBe(0);
    expect(out.text).toBe('');
    expect(err.text).toContain('alerts: 0');
  });

  it('--json writes one parseable alert per line', async () => {
    const { ctx, out } = context();
    expect(await main(['detect', '--json', '--tenant', 'acme-clinic', join(dir, 'attack.log')], ctx)).toBe(3);
    const alerts = out.text.trim().split('\n').map((l) => JSON.parse(l) as { detector: string; tenant: string; evidence: unknown[] });
    expect(alerts.map((a) => a.detector).sort()).toEqual(['brute-force.fast', 'brute-force.low-and-slow', 'success-after-failures']);
    expect(alerts.every((a) => a.tenant === 'acme-clinic' && a.evidence.length > 0)).toBe(true);
  });

  it('reads gzip input', async () => {
    const { ctx, out } = context();
    expect(await main(['detect', join(dir, 'attack.log.gz')], ctx)).toBe(3);
    expect(out.text).toContain('brute-force.fast');
  });

  it('reads standard input with -', async () => {
    const { ctx, out } = context();
    const cmd = createDetectCommand({ stdin: () => Readable.from([Buffer.from(ATTACK.slice(0, 1000)), Buffer.from(`${ATTACK.slice(1000)}\n`)]) });
    expect(await cmd.run(['-', '--json'], ctx)).toBe(3);
    expect(out.text).toContain('"detector":"brute-force.fast"');
  });

  it('an unknown file is HG_ERR_FILE_NOT_FOUND, exit 1', async () => {
    const { ctx, err } = context();
    expect(await main(['detect', join(dir, 'nope.log')], ctx)).toBe(1);
    expect(err.text).toContain('HG_ERR_FILE_NOT_FOUND');
  });

  it('an unrecognized file is reported, exit 1', async () => {
    const { ctx, err } = context();
    expect(await main(['detect', join(dir, 'garbage.bin')], ctx)).toBe(1);
    expect(err.text).toContain('HG_ERR_UNRECOGNIZED_FILE');
  });

  it('a bad rules file lists every problem, exit 1', async () => {
    const { ctx, err } = context();
    expect(await main(['detect', '--rules', join(dir, 'bad-rules.yaml'), join(dir, 'attack.log')], ctx)).toBe(1);
    expect(err.text).toContain('rules.0.threshold');
    expect(err.text).toContain('rules.0.window');
    expect(err.text).toContain('rules.1');
    expect(err.text).toContain('HG_ERR_CONFIG');
  });

  it('applies a rules file allow-list', async () => {
    const { ctx, out } = context();
    expect(await main(['detect', '--rules', join(dir, 'rules.yaml'), join(dir, 'attack.log')], ctx)).toBe(3);
    expect(out.text).not.toContain('brute-force.fast');
    expect(out.text).toContain('success-after-failures');
  });

  it('--since skips older events', async () => {
    const { ctx, err } = context();
    expect(await main(['detect', '--since', '2026-03-04T01:03:00Z', join(dir, 'attack.log')], ctx)).toBe(3);
    expect(err.text).toContain('before-since 30');
  });

  it('rejects bad usage with exit 2', async () => {
    const { ctx } = context();
    expect(await main(['detect'], ctx)).toBe(2);
    expect(await main(['detect', '--since', 'yesterday', join(dir, 'attack.log')], ctx)).toBe(2);
    expect(await main(['detect', '--format', 'nope', join(dir, 'attack.log')], ctx)).toBe(2);
  });

  it('hands every alert to extra sinks (the storage hook)', async () => {
    const { ctx } = context();
    const seen: AlertEvent[] = [];
    const cmd = createDetectCommand({ sinks: () => [{ write: (e) => void seen.push(e) }] });
    expect(await cmd.run([join(dir, 'attack.log')], ctx)).toBe(3);
    expect(seen.filter((e) => e.type === 'opened').map((e) => e.alert.detector).sort()).toEqual(['brute-force.fast', 'brute-force.low-and-slow', 'success-after-failures']);
    expect(seen.filter((e) => e.type === 'closed')).toHaveLength(3);
  });

  it('--follow reads what is appended until stopped', async () => {
    const live = join(dir, 'live.log');
    await writeFile(live, '');
    const { ctx, out } = context();
    const stop = new AbortController();
    const cmd = createDetectCommand({ signal: stop.signal });
    const running = cmd.run(['--follow', '--json', live], ctx);
    await appendFile(live, `${ATTACK}\n`);
    for (let i = 0; i < 100 && !out.text.includes('success-after-failures'); i++) await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    expect(await running).toBe(3);
    expect(out.text).toContain('"detector":"brute-force.fast"');
    expect(out.text).toContain('"detector":"success-after-failures"');
  });

  it('--follow without --json prints a line per alert as it opens', async () => {
    const live = join(dir, 'live2.log');
    await writeFile(live, '');
    const { ctx, out } = context();
    const stop = new AbortController();
    const running = createDetectCommand({ signal: stop.signal }).run(['--follow', live], ctx);
    await appendFile(live, `${ATTACK}\n`);
    for (let i = 0; i < 100 && !out.text.includes('success-after-failures'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out.text).toMatch(/^2026-03-04T\S+ {2}medium {2}brute-force\.fast {2}Brute force on one account: root from 203\.0\.113\.10$/m);
    stop.abort();
    expect(await running).toBe(3);
  });
});
