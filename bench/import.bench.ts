// npm run bench:import — imports the 5,000-customer demo workspace (≥ 1 M rows) into
// SQLite and, when reachable, PostgreSQL; prints rows/s and peak RSS of each run.
// Targets (issue: foundation): ≥ 150,000 rows/s into SQLite, peak RSS < 1 GB.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { rawDriverRate } from './raw-driver.js';

const root = join(import.meta.dirname, '..');
const customers = Number(process.env.BENCH_CUSTOMERS ?? 5000);
const work = join(root, '.bench');
const ws = join(work, `demo-${customers}`);
const tsx = join(root, 'node_modules', '.bin', 'tsx');
mkdirSync(work, { recursive: true });

if (!existsSync(join(ws, 'organizations.csv'))) {
  console.log(`writing the ${customers}-customer demo workspace to ${ws} …`);
  const t0 = performance.now();
  execFileSync(tsx, [join(root, 'src/cli/run.ts'), 'demo', '--customers', String(customers), '--seed', '1', '--now', '2026-11-01', ws], { stdio: 'inherit' });
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

interface Run { code: number; rows: number; seconds: number; importSeconds: number; cpuSeconds: number; peakRssMb: number }
const measure = (db: string, env: Record<string, string> = {}): Run =>
  JSON.parse(execFileSync(tsx, [join(root, 'bench/import-child.ts'), ws, db], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 }).trim().split('\n').pop()!);

const results: [string, Run][] = [];
const sqlite = join(work, 'bench.db');
console.log('measuring the raw SQLite driver on this machine …');
const raw = Math.max(rawDriverRate(join(work, 'raw.db')), rawDriverRate(join(work, 'raw.db')));
const fresh = () => { for (const f of [sqlite, `${sqlite}-wal`, `${sqlite}-shm`]) rmSync(f, { force: true }); };
fresh();
console.log('importing into SQLite (fresh file, one reader) …');
results.push(['SQLite, first import', measure(sqlite, { HUBGUARD_IMPORT_READERS: '1' })]);
console.log('importing into SQLite again (idempotent upsert of the same rows) …');
results.push(['SQLite, re-import', measure(sqlite, { HUBGUARD_IMPORT_READERS: '1' })]);
fresh();
console.log('importing into SQLite (fresh file, two readers) …');
results.push(['SQLite, 2 readers', measure(sqlite, { HUBGUARD_IMPORT_READERS: '2' })]);

const pgServer = process.env.HUBGUARD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `hubguard_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: pgServer });
try {
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(pgServer);
  u.pathname = `/${dbName}`;
  console.log('importing into PostgreSQL …');
  results.push(['PostgreSQL, first import', measure(u.toString())]);
  await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
} catch (e) {
  console.log(`PostgreSQL skipped: ${(e as Error).message}`);
} finally {
  await admin.end().catch(() => undefined);
}

console.log(`\nImport of the ${customers}-customer demo workspace`);
console.log('run                        rows        seconds   rows/s     CPU s   peak RSS');
for (const [name, r] of results) {
  const rate = Math.round(r.rows / r.importSeconds);
  console.log(`${name.padEnd(26)} ${String(r.rows).padStart(9)}  ${r.importSeconds.toFixed(2).padStart(8)}  ${rate.toLocaleString('en-US').padStart(9)}  ${r.cpuSeconds.toFixed(1).padStart(7)}  ${String(r.peakRssMb).padStart(6)} MB`);
}
console.log(`(${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)} at the end: figures from a busy machine are not comparable)`);
const first = results[0]![1];
const share = first.rows / first.importSeconds / raw;
console.log(`\nraw driver on this machine: ${raw.toLocaleString('en-US')} rows/s (1 M small rows, one statement, one transaction)`);
console.log(`first SQLite import: ${(share * 100).toFixed(0)} % of the raw driver; the target (150,000 rows/s where the raw driver does about 600,000) is 25 %, which here is ${Math.round(raw / 4).toLocaleString('en-US')} rows/s`);
console.log('targets: ≥ 150,000 rows/s into SQLite (on the reference machine); peak RSS < 1,024 MB');
