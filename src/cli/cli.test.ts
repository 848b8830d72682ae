import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { openDatabase } from '../store/db.js';
import { Repository } from '../store/repository.js';
import { FIXTURES, runCli, tempDir } from './test-support.js';

const EXAMPLE = join(FIXTURES, 'workspace', 'example');
const BROKEN = join(FIXTURES, 'workspace', 'broken');

/** Every record of the database, for before/after comparisons. */
async function snapshot(db: string): Promise<string> {
  const d = await openDatabase(db);
  try {
    const repo = new Repository(d);
    const scope = allTenants('test');
    const out: Record<string, unknown> = {};
    for (const k of ['organization', 'identity', 'group', 'membership', 'role', 'asset', 'grant', 'service', 'backup', 'logSource', 'agreement', 'irPlan', 'exercise'] as const) {
      out[k] = await repo.listRecords(scope, k, {});
    }
    return JSON.stringify(out);
  } finally {
    await d.close();
  }
}

describe('hubguard (CLI)', () => {
  it('prints help and rejects unknown commands and options', async () => {
    expect((await runCli(['--help'])).out).toMatch(/import/);
    const bad = await runCli(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown command 'frobnicate' \[HG_ERR_USAGE\]/);
    const opt = await runCli(['import', '--nope', EXAMPLE]);
    expect(opt.code).toBe(2);
    expect(opt.err).toMatch(/HG_ERR_USAGE/);
  });
});

describe('bin/hubguard.js', () => {
  it('runs as a real process, as npx hubguard does', () => {
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'hubguard.js');
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(out).toMatch(/Usage: hubguard <command>/);
  });
});

describe('hubguard import', () => {
  it('imports the example workspace, and a second import leaves the same state', async () => {
    const db = join(await tempDir(), 'hg.db');
    const first = await runCli(['import', EXAMPLE, '--db', db]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/identities\s+9/);
    expect(first.out).toMatch(/total\s+52/);
    const before = await snapshot(db);
    const again = await runCli(['import', EXAMPLE, '--db', db, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).counts.identity).toBe(9);
    expect(await snapshot(db)).toBe(before);
  });

  it('rejects every broken fixture with a located HG_ERR problem and leaves the database unchanged', async () => {
    const db = join(await tempDir(), 'hg.db');
    expect((await runCli(['import', EXAMPLE, '--db', db])).code).toBe(0);
    const before = await snapshot(db);
    const expected: Record<string, RegExp> = {
      'unterminated-quote': /identities\.csv:2: malformed CSV: unterminated quoted field \[HG_ERR_CSV\]/,
      'unknown-column': /identities\.csv:1:4: favouriteColour: unknown column .*\[HG_ERR_UNKNOWN_COLUMN\]/,
      'missing-column': /identities\.csv:1: displayName: required column .*\[HG_ERR_MISSING_COLUMN\]/,
      'wrong-types': /identities\.csv:2:4: enabled: .*\[HG_ERR_VALIDATION\][\s\S]*identities\.csv:2:5: mfa\.1:[\s\S]*identities\.csv:2:6: lastSignIn:/,
      'dangling-reference': /grants\.csv:2:3: principal: no identity "ghost@harbor-it\.example".*\[HG_ERR_DANGLING_REF\][\s\S]*grants\.csv:3:2: tenant: no organization "no-such-customer"/,
      'duplicate-key': /identities\.csv:3: id: identity "z1@harbor-it\.example" is already defined at .*identities\.csv:2 \[HG_ERR_DUPLICATE_KEY\]/,
      'invalid-utf8': /identities\.csv:2:\d+: invalid UTF-8: byte 0xe9.*\[HG_ERR_ENCODING\]/,
      'malformed-json': /assets\.json:3:\d+: malformed JSON.*\[HG_ERR_JSON\]/,
      'malformed-yaml': /ir-plans\.yaml:\d+:\d+: malformed YAML.*\[HG_ERR_YAML\]/,
      'yaml-alias-bomb': /workspace\.yaml: malformed YAML: .*alias.*\[HG_ERR_YAML\]/i,
    };
    const cases = (await readdir(BROKEN, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(cases.sort()).toEqual(Object.keys(expected).sort());
    for (const c of cases) {
      const r = await runCli(['import', join(BROKEN, c), '--db', db]);
      expect(r.code, c).toBe(1);
      expect(r.err, c).toMatch(expected[c]!);
      expect(r.err, c).toMatch(/nothing was written/);
    }
    expect(await snapshot(db)).toBe(before);
  });

  it('fails clearly on a missing path', async () => {
    const r = await runCli(['import', '/nonexistent/workspace', '--db', join(await tempDir(), 'x.db')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/HG_ERR_FILE_NOT_FOUND/);
  });
});

describe('hubguard demo and start', () => {
  it('writes a deterministic workspace that imports cleanly', async () => {
    const a = await tempDir();
    const b = await tempDir();
    expect((await runCli(['demo', '--customers', '6', '--seed', '3', '--now', '2026-11-01', 'ws'], { cwd: a })).code).toBe(0);
    expect((await runCli(['demo', '--customers', '6', '--seed', '3', '--now', '2026-11-01', 'ws'], { cwd: b })).code).toBe(0);
    const files = (await readdir(join(a, 'ws'))).sort();
    expect(files).toContain('identities.csv');
    for (const f of files) expect(await readFile(join(a, 'ws', f), 'utf8')).toBe(await readFile(join(b, 'ws', f), 'utf8'));
    const r = await runCli(['import', join(a, 'ws'), '--db', join(a, 'hg.db')]);
    expect(r.code, r.err).toBe(0);
  });

  it('start loads the demo on first run, prints the posture, and reuses the database later', async () => {
    const cwd = await tempDir();
    const first = await runCli(['start', '--customers', '5'], { cwd });
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/First run: writing a demo MSP with 5 customers/);
    expect(first.out).toMatch(/Posture by organization/);
    expect(first.out).toMatch(/Northwind Managed Services \(MSP\)/);
    expect(first.out).toMatch(/Posture by area of CISA AA22-131A/);
    const second = await runCli(['start'], { cwd });
    expect(second.code).toBe(0);
    expect(second.out).not.toMatch(/First run/);
  });
});

describe('hubguard findings', () => {
  it('lists stored findings filtered by customer, area and severity', async () => {
    const dir = await tempDir();
    const db = join(dir, 'hg.db');
    expect((await runCli(['import', EXAMPLE, '--db', db])).code).toBe(0);
    const d = await openDatabase(db);
    const repo = new Repository(d);
    const now = new Date('2026-11-29T00:00:00Z');
    const f = (tenant: string, control: string, severity: 'high' | 'low', id: string) => ({
      id, tenant, control, engine: 'test', severity, duty: 'msp' as const, title: `${control} on ${tenant}`, detail: '',
      subject: { kind: 'identity', id: `s-${id}` }, evidence: {}, status: 'open' as const, firstSeen: now.toISOString(), lastSeen: now.toISOString(),
    });
    await repo.replaceFindings(allTenants('test'), { engine: 'test' }, [
      f('keel-law', 'hg.ctl.mfa.msp-accounts', 'high', 'f1'),
      f('st-brigid-clinic', 'hg.ctl.logging.retention', 'low', 'f2'),
      f('st-brigid-clinic', 'hg.ctl.mfa.msp-accounts', 'low', 'f3'),
    ] as never, now);
    await d.close();
    const all = await runCli(['findings', '--db', db, '--json']);
    expect(all.out.trim().split('\n')).toHaveLength(3);
    const mfa = await runCli(['findings', '--db', db, '--area', '3']);
    expect(mfa.out).toMatch(/keel-law/);
    expect(mfa.out).not.toMatch(/logging\.retention/);
    const high = await runCli(['findings', '--db', db, '--severity', 'high', '--json']);
    expect(high.out.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['f1']);
    const clinic = await runCli(['findings', '--db', db, '--customer', 'st-brigid-clinic', '--area', 'logging', '--json']);
    expect(clinic.out.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['f2']);
    expect((await runCli(['findings', '--db', db, '--area', 'nonsense'])).code).toBe(2);
  });
});
