/**
 * Runs one detector over one log in a child process and measures it: wall
 * time, peak RSS (the kernel's high-water mark, as `/usr/bin/time -v` and the
 * peers' measure.py report it) and, for Hubguard, its own lines/s figure.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';

/** One measured run. */
export interface Run {
  tool: string;
  log: string;
  lines: number;
  seconds: number;
  linesPerSec: number;
  /** Lines/s over the reading itself, start-up excluded (Hubguard only). */
  steadyLinesPerSec?: number;
  peakRssMb: number;
  status: 'ok' | 'failed' | 'timeout';
  /** IPs the tool flagged (peers) or that appear in an alert (Hubguard). */
  flagged: Set<string>;
  alerts?: HubguardAlert[];
  note?: string;
}

/** The fields of a Hubguard JSON alert the benchmark reads. */
export interface HubguardAlert {
  detector: string;
  severity: string;
  entities: { sources: string[]; users: string[] };
  count: number;
  distinctUsers: number;
  distinctSources: number;
}

function run(cmd: string, args: string[], stdoutFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string; pid: number; hwmKb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hwmKb = 0;
    const file = stdoutFile ? createWriteStream(stdoutFile) : undefined;
    child.stdout.on('data', (d: Buffer) => (file ? file.write(d) : (stdout += d.toString())));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Fallback RSS probe when /usr/bin/time is missing: VmHWM of the child itself.
    const probe = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(probe);
      file?.end();
      resolve({ code: code ?? 1, stdout, stderr, pid: child.pid ?? 0, hwmKb });
    });
  });
}

const TIME = '/usr/bin/time';

/** Runs `hubguard detect --json LOG` and measures it. */
export async function measureHubguard(root: string, log: string, outDir: string, name: string): Promise<Run> {
  const node = process.execPath;
  const cli = [node, '--import', 'tsx', join(root, 'src/cli/run.ts'), 'detect', '--json', log];
  const useTime = existsSync(TIME);
  const jsonl = join(outDir, `hubguard-${name}.jsonl`);
  const t0 = performance.now();
  const r = useTime ? await run(TIME, ['-v', ...cli], jsonl) : await run(cli[0]!, cli.slice(1), jsonl);
  const seconds = (performance.now() - t0) / 1000;
  const rssKb = useTime ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? 0) : r.hwmKb;
  const m = /read \d+ input\(s\), ([\d,]+) lines in ([\d.]+) s/.exec(r.stderr);
  const lines = m ? Number(m[1]!.replace(/,/g, '')) : 0;
  const inner = m ? Number(m[2]) : 0;
  const alerts = readFileSync(jsonl, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as HubguardAlert);
  const flagged = new Set(alerts.flatMap((a) => a.entities.sources));
  return {
    tool: 'hubguard',
    log: name,
    lines,
    seconds,
    linesPerSec: seconds > 0 ? lines / seconds : 0,
    steadyLinesPerSec: inner > 0 ? lines / inner : undefined,
    peakRssMb: rssKb / 1024,
    status: r.code === 0 || r.code === 3 ? 'ok' : 'failed',
    flagged,
    alerts,
    note: r.code === 0 || r.code === 3 ? undefined : r.stderr.split('\n').slice(-5).join(' '),
  };
}

/** Runs a peer script of shared/tools/peers and parses its summary line and IP lines. */
export async function measurePeer(peersDir: string, script: string, args: string[], log: string, name: string, tool: string): Promise<Run> {
  const r = await run('bash', [join(peersDir, script), log, ...args], undefined);
  const lines = r.stdout.trim().split('\n');
  const last = lines.at(-1) ?? '';
  const field = (k: string): string | undefined => new RegExp(`\\b${k}=([^\\s]+)`).exec(last)?.[1];
  const status = (field('status') as Run['status'] | undefined) ?? (last.startsWith('peer=') ? 'ok' : 'failed');
  const flagged = new Set(lines.filter((l) => !l.startsWith('peer=') && l.trim()).map((l) => l.split(' ')[0]!));
  return {
    tool,
    log: name,
    lines: Number(field('lines') ?? 0),
    seconds: Number(field('seconds') ?? 0),
    linesPerSec: Number(field('lines_per_s') ?? 0),
    peakRssMb: Number(field('peak_rss_mb') ?? 0),
    status,
    flagged,
    note: status === 'ok' ? undefined : r.stderr.trim().split('\n').slice(-3).join(' | '),
  };
}
