// One measured import, run in its own process so peak memory is its own.
// Usage: tsx bench/import-child.ts <workspace dir> <database url>
import { main } from '../src/cli/main.js';
import { Writable } from 'node:stream';

const [dir, db] = process.argv.slice(2);
let out = '';
const stdout = new Writable({ write(c, _e, cb) { out += String(c); cb(); } });
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const code = await main(['import', dir!, '--db', db!, '--json'], { stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), interactive: false });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const r = code === 0 ? JSON.parse(out) : {};
const rows = Object.values((r.counts ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
process.stdout.write(`${JSON.stringify({ code, rows, seconds, importSeconds: r.seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
process.exitCode = code;
