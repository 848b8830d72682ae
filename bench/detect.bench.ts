// npm run bench:detect [-- --no-peers] [--peers fail2ban-regex,fail2ban,crowdsec] [--lines N] [--regen]
//
// Generates (deterministically, into .bench/) a 1 M-line mixed sshd log with about 3 % failures
// and a log of 1 M failures from about 260 000 sources; runs `hubguard detect` on both in a child
// process (lines/s, peak RSS); when ../shared/tools/peers exists, runs fail2ban-regex, fail2ban
// (with its ban logic) and CrowdSec on the same files and prints the figures side by side; and
// scores Hubguard (and the peers) on authlog-gen's labelled attacks.
// Targets (issue 3): >= 10x fail2ban-regex's lines/s on the mixed log; peak RSS <= 512 MB on the
// 1 M-failure log; every labelled attack found, no alert on a benign user.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFailures, writeMixed } from './detect-gen.js';
import { measureHubguard, measurePeer, type Run } from './detect-measure.js';

const root = join(import.meta.dirname, '..');
const work = join(root, '.bench', 'detect');
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const LINES = Number(opt('--lines') ?? 1_000_000);
const peersDir = join(root, '..', 'shared', 'tools', 'peers');
const genPy = join(root, '..', 'shared', 'tools', 'authlog-gen', 'gen_authlog.py');
const ALL_PEERS = ['fail2ban-regex', 'fail2ban', 'crowdsec'];
const peers = argv.includes('--no-peers') || !existsSync(peersDir) ? [] : (opt('--peers')?.split(',') ?? ALL_PEERS);
mkdirSync(work, { recursive: true });

// 1. Logs (regenerated only when the parameters change).
const mixed = join(work, 'mixed.log');
const failures = join(work, 'failures.log');
const metaFile = join(work, 'meta.json');
const meta = JSON.stringify({ v: 1, lines: LINES });
if (argv.includes('--regen') || !existsSync(metaFile) || readFileSync(metaFile, 'utf8') !== meta || !existsSync(mixed) || !existsSync(failures)) {
  let t = performance.now();
  const m = writeMixed(mixed, LINES);
  console.log(`wrote ${mixed}: ${m.lines.toLocaleString('en-US')} lines, ${m.failures.toLocaleString('en-US')} failures (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  t = performance.now();
  const f = writeFailures(failures, LINES);
  console.log(`wrote ${failures}: ${f.lines.toLocaleString('en-US')} failures (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  writeFileSync(metaFile, meta);
}
const labelled: { name: string; log: string; labels: Record<string, string> }[] = [];
if (existsSync(genPy)) {
  for (const [name, extra] of [
    ['authlog-gen', []],
    ['authlog-gen-big', ['--noise', '700000']],
  ] as const) {
    const log = join(work, `${name}.log`);
    const labels = join(work, `${name}.labels.json`);
    if (!existsSync(log)) execFileSync('python3', [genPy, log, labels, ...extra, '--iso'], { stdio: 'inherit' });
    labelled.push({ name, log, labels: JSON.parse(readFileSync(labels, 'utf8')) as Record<string, string> });
  }
}

// 2. Runs.
const runs: Run[] = [];
const logs: [string, string][] = [
  ['mixed', mixed],
  ['failures', failures],
  ...labelled.map((l): [string, string] => [l.name, l.log]),
];
for (const [name, log] of logs) {
  console.log(`hubguard detect ${name} …`);
  runs.push(await measureHubguard(root, log, work, name));
}
if (peers.length && !existsSync(join(process.env.PEERS_HOME ?? join(process.env.HOME ?? '', '.cache', 'peers'), 'fail2ban'))) {
  console.log('peers: running setup.sh (once per machine) …');
  execFileSync('bash', [join(peersDir, 'setup.sh')], { stdio: 'inherit' });
}
for (const [name, log] of logs) {
  if (name === 'authlog-gen-big') continue; // the README of the peers has their figures on it
  for (const p of peers) {
    console.log(`${p} ${name} … (peers are slow; --no-peers skips them)`);
    if (p === 'fail2ban-regex') runs.push(await measurePeer(peersDir, 'fail2ban.sh', ['--regex-only'], log, name, p));
    else if (p === 'fail2ban') runs.push(await measurePeer(peersDir, 'fail2ban.sh', [], log, name, p));
    else if (p === 'crowdsec') runs.push(await measurePeer(peersDir, 'crowdsec.sh', [], log, name, p));
  }
}

// 3. Figures side by side.
const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log('\nThroughput and memory (wall time includes start-up; "steady" is Hubguard reading, start-up excluded)');
console.log(`${'log'.padEnd(16)} ${'tool'.padEnd(15)} ${'lines'.padStart(10)} ${'seconds'.padStart(8)} ${'lines/s'.padStart(10)} ${'steady/s'.padStart(10)} ${'peak RSS'.padStart(10)}  vs hubguard`);
for (const [name] of logs) {
  const hg = runs.find((r) => r.tool === 'hubguard' && r.log === name)!;
  for (const r of runs.filter((x) => x.log === name)) {
    const ratio =
      r.tool === 'hubguard'
        ? ''
        : r.status !== 'ok'
          ? `${r.status}: ${r.note ?? ''}`.slice(0, 80)
          : `hubguard ${fmt(hg.linesPerSec / Math.max(1, r.linesPerSec), 1)}x faster (steady ${fmt((hg.steadyLinesPerSec ?? 0) / Math.max(1, r.linesPerSec), 1)}x), ${fmt(r.peakRssMb / Math.max(1, hg.peakRssMb), 1)}x the memory`;
    console.log(
      `${name.padEnd(16)} ${r.tool.padEnd(15)} ${fmt(r.lines).padStart(10)} ${fmt(r.seconds, 2).padStart(8)} ${fmt(r.linesPerSec).padStart(10)} ${(r.steadyLinesPerSec ? fmt(r.steadyLinesPerSec) : '').padStart(10)} ${`${fmt(r.peakRssMb)} MB`.padStart(10)}  ${ratio}`,
    );
  }
}

// 4. Labelled attacks: found / missed per attack, and any alert touching a benign user or source.
for (const l of labelled) {
  const byAttack = new Map<string, string[]>();
  for (const [ip, label] of Object.entries(l.labels)) byAttack.set(label, [...(byAttack.get(label) ?? []), ip]);
  const tools = runs.filter((r) => r.log === l.name);
  console.log(`\nLabelled attacks in ${l.name} (${Object.keys(l.labels).length} labelled IPs): IPs flagged / labelled`);
  console.log(`${'attack'.padEnd(15)} ${tools.map((t) => t.tool.padStart(15)).join(' ')}`);
  for (const [attack, ips] of byAttack) {
    const cells = tools.map((t) => {
      const hit = ips.filter((ip) => t.flagged.has(ip)).length;
      const verdict = attack === 'benign' ? (hit ? 'ALERTED' : 'quiet') : hit ? 'found' : 'MISSED';
      return `${verdict} ${hit}/${ips.length}`.padStart(15);
    });
    console.log(`${attack.padEnd(15)} ${cells.join(' ')}`);
  }
  const hg = tools.find((t) => t.tool === 'hubguard');
  const benignUsers = hg?.alerts?.filter((a) => a.entities.users.some((u) => /^emp\d+$/.test(u))) ?? [];
  console.log(`hubguard alerts: ${hg?.alerts?.length ?? 0} (${[...new Set(hg?.alerts?.map((a) => a.detector))].join(', ')}); alerts naming a benign user: ${benignUsers.length}`);
}

writeFileSync(join(work, 'results.json'), JSON.stringify(runs.map((r) => ({ ...r, flagged: r.flagged.size, alerts: r.alerts?.length })), null, 1));
const hgMixed = runs.find((r) => r.tool === 'hubguard' && r.log === 'mixed')!;
const hgFail = runs.find((r) => r.tool === 'hubguard' && r.log === 'failures')!;
const f2b = runs.find((r) => r.tool === 'fail2ban-regex' && r.log === 'mixed');
console.log('\nTargets');
console.log(`  mixed log: ${fmt(hgMixed.linesPerSec)} lines/s wall, ${fmt(hgMixed.steadyLinesPerSec ?? 0)} steady${f2b?.status === 'ok' ? `; ${fmt(hgMixed.linesPerSec / f2b.linesPerSec, 1)}x fail2ban-regex (target >= 10x)` : ''}`);
console.log(`  1 M-failure log: peak RSS ${fmt(hgFail.peakRssMb)} MB (target <= 512 MB)`);
