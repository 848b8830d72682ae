import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { DetectionPipeline, type Input } from './pipeline.js';
import type { AlertEvent } from './alerts.js';

const stamp = (sec: number): string => `${new Date(Date.UTC(2026, 2, 4, 1) + sec * 1000).toISOString().slice(0, 19)}+00:00`;
const failLine = (i: number, user = 'root', ip = '203.0.113.10'): string => `${stamp(i)} web01 sshd[${100 + i}]: Failed password for ${user} from ${ip} port ${40000 + i} ssh2`;

/** An in-memory input cut into chunks of `size` bytes (so lines straddle chunk boundaries). */
function input(name: string, data: Buffer, size = 4096): Input {
  return {
    name,
    fileTime: Date.UTC(2026, 2, 5),
    size: data.length,
    open: async function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    },
  };
}

describe('detection pipeline', () => {
  it('counts every stage: lines read, parsed, events, skipped by reason, alerts by detector', async () => {
    const lines = [
      ...Array.from({ length: 12 }, (_, i) => failLine(i)),
      `${stamp(30)} web01 CRON[5]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`,
      'x'.repeat(100_000), // longer than the 64 KiB cap
      `${stamp(31)} web01 sshd[9]: Failed password for r\u0000oot from 203.0.113.10 port 1 ssh2`,
    ];
    const bad = Buffer.concat([Buffer.from(`${lines.join('\n')}\n`), Buffer.from([0xff, 0xfe, 0x0a])]);
    const p = new DetectionPipeline();
    await p.add(input('auth.log', bad));
    const { counters, alerts } = await p.finish();
    expect(counters.files).toBe(1);
    expect(counters.lines).toBe(16);
    expect(counters.formats).toEqual({ 'sshd-syslog': 1 });
    expect(counters.skipped['line-too-long']).toBe(1);
    expect(counters.invalidUtf8).toBe(1);
    expect(counters.events).toBeGreaterThanOrEqual(12);
    expect(counters.parsed + Object.values(counters.skipped).reduce((s, v) => s + v, 0)).toBe(counters.lines);
    expect(counters.problems).toBeGreaterThanOrEqual(1);
    expect(counters.detect.received).toBe(counters.events);
    expect(counters.alerts['brute-force.fast']).toBe(1);
    expect(alerts.find((a) => a.detector === 'brute-force.fast')?.evidence[0]).toMatchObject({ file: 'auth.log', line: 10 }); // the triggering line first
  });

  it('reads gzip input in a stream', async () => {
    const text = `${Array.from({ length: 12 }, (_, i) => failLine(i)).join('\n')}\n`;
    const p = new DetectionPipeline();
    await p.add(input('auth.log.1.gz', gzipSync(text), 100));
    const { counters } = await p.finish();
    expect(counters.lines).toBe(12);
    expect(counters.alerts['brute-force.fast']).toBe(1);
  });

  it('sends EVTX files (ElfFile magic) to the EVTX reader, whatever their name', async () => {
    const p = new DetectionPipeline();
    await p.add(input('security.bin', Buffer.concat([Buffer.from('ElfFile\0', 'latin1'), Buffer.alloc(992)])));
    const { counters } = await p.finish();
    expect(counters.formats).toEqual({ evtx: 1 });
    expect(counters.skipped.truncated).toBe(1);
    expect(counters.fileErrors).toEqual([]);
  });

  it('records a file no parser recognizes, and a corrupt gzip, without stopping', async () => {
    const p = new DetectionPipeline();
    await p.add(input('noise.bin', Buffer.from('\u0001\u0002 hello\nworld\n')));
    const many = gzipSync(`${Array.from({ length: 20_000 }, (_, i) => failLine(i % 3600, `u${i}`, `198.51.100.${i % 250}`)).join('\n')}\n`);
    await p.add(input('broken.gz', many.subarray(0, Math.floor(many.length * 0.6))));
    await p.add(input('auth.log', Buffer.from(`${failLine(0)}\n`)));
    const { counters } = await p.finish();
    expect(counters.fileErrors.map((f) => [f.file, f.error.code])).toEqual([
      ['noise.bin', 'HG_ERR_UNRECOGNIZED_FILE'],
      ['broken.gz', 'HG_ERR_VALIDATION'],
    ]);
    expect(counters.events).toBeGreaterThan(1_000); // what was read before the damage counts
  });

  it('streams alert events to sinks and the callback', async () => {
    const seen: AlertEvent[] = [];
    const sunk: AlertEvent[] = [];
    const p = new DetectionPipeline({ onAlert: (e) => seen.push(e), sinks: [{ write: async (e) => void sunk.push(e) }] });
    await p.add(input('auth.log', Buffer.from(`${Array.from({ length: 12 }, (_, i) => failLine(i)).join('\n')}\n`)));
    await p.finish();
    expect(seen.map((e) => e.type)).toContain('opened');
    expect(sunk.map((e) => `${e.type}:${e.alert.detector}`)).toEqual(seen.map((e) => `${e.type}:${e.alert.detector}`));
  });

  it('refuses an unknown --format', () => {
    expect(() => new DetectionPipeline({ format: 'nope' })).toThrow(/unknown format/);
  });
});
