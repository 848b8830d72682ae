import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { openDatabase } from '../store/db.js';
import { Repository } from '../store/repository.js';
import { runEngines } from './assess.js';
import { FIXTURES, runCli } from './test-support.js';

describe('suppressions', () => {
  it('suppress findings and CVEs until they expire, keeping the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hg-sup-'));
    const ws = join(dir, 'ws');
    await cp(join(FIXTURES, 'workspace', 'example'), ws, { recursive: true });
    await writeFile(
      join(ws, 'suppressions.csv'),
      'id,tenant,control,subject,cve,reason,expires,by\n' +
        'sup-ben-mfa,harbor-msp,hg.ctl.mfa.weak-factors-privileged,ben@harbor-it.example,,Hardware key on order (ticket 4411),2026-12-31,ana@harbor-it.example\n' +
        'sup-sc-1709,harbor-msp,,harbor-screenconnect,CVE-2024-1709,Patched out of band; NVD not imported yet,2026-12-31,ana@harbor-it.example\n',
    );
    const db = join(dir, 'hg.db');
    const imp = await runCli(['import', ws, '--db', db]);
    expect(imp.code, imp.err).toBe(0);

    const vulns = await runCli(['vulns', '--db', db, '--json', '--now', '2026-12-01']);
    expect(vulns.code, vulns.err).toBe(0);
    const cvesOn = (out: string, asset: string) =>
      out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.asset === asset).map((r) => r.cve);
    expect(cvesOn(vulns.out, 'harbor-screenconnect')).not.toContain('CVE-2024-1709');
    // The same CVE stays listed where it is not suppressed: the example without the suppression file.
    const plainDb = join(dir, 'plain.db');
    expect((await runCli(['import', join(FIXTURES, 'workspace', 'example'), '--db', plainDb])).code).toBe(0);
    const plain = await runCli(['vulns', '--db', plainDb, '--json', '--now', '2026-12-01']);
    expect(cvesOn(plain.out, 'harbor-screenconnect')).toContain('CVE-2024-1709');

    const d = await openDatabase(db);
    try {
      const repo = new Repository(d);
      const scope = allTenants('test');
      await runEngines(repo, scope, new Date('2026-12-01T00:00:00Z'));
      const ben = (await repo.listFindings(scope, { status: 'any', control: 'hg.ctl.mfa.weak-factors-privileged' })).find((f) => f.subject.id === 'ben@harbor-it.example')!;
      expect(ben.status).toBe('suppressed');
      expect(ben.evidence.suppression).toMatchObject({ reason: 'Hardware key on order (ticket 4411)' });
      // After the expiry the finding is open again.
      await runEngines(repo, scope, new Date('2027-01-02T00:00:00Z'));
      const again = (await repo.listFindings(scope, { status: 'any', control: 'hg.ctl.mfa.weak-factors-privileged' })).find((f) => f.subject.id === 'ben@harbor-it.example')!;
      expect(again.status).toBe('open');
    } finally {
      await d.close();
    }
  });
});
