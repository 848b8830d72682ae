import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { DEMO_MSP_TOOLS } from '../demo/index.js';
import { openDatabase } from '../store/db.js';
import { Repository } from '../store/repository.js';
import { runCli, tempDir } from './test-support.js';

interface CveRow {
  cve: string;
  candidate: boolean;
  matchedBy: string;
}

describe('hubguard start on a fresh folder', () => {
  it('assesses the demo MSP with the bundled KEV and NVD: its KEV appliances are confirmed, with deadline findings', async () => {
    const cwd = await tempDir();
    const r = await runCli(['start', '--customers', '3'], { cwd });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Vulnerability feeds: KEV of 2025-11-14 \(bundled snapshot\).*NVD of 2025-10-24 \(bundled excerpt, 8 records\)/);
    expect(r.out).toContain('`npx hubguard feeds update` fetches the current KEV, EPSS and NVD data');

    const db = await openDatabase(join(cwd, 'data', 'hubguard.db'));
    try {
      const repo = new Repository(db);
      const scope = allTenants('test');
      expect((await repo.listFeeds(scope)).map((f) => [f.name, f.date])).toEqual([
        ['kev', '2025-11-14'],
        ['nvd', '2025-10-24T13:00:00.000Z'],
      ]);
      const kev = await repo.listFindings(scope, { control: 'hg.ctl.prevent.kev-devices' });
      const cvesOf = (asset: string) => (kev.find((f) => f.subject.id === asset)?.evidence.cves ?? []) as CveRow[];
      for (const [asset, cve] of [
        [DEMO_MSP_TOOLS.remote, 'CVE-2024-1709'],
        [DEMO_MSP_TOOLS.vpn, 'CVE-2024-21762'],
      ] as const) {
        expect(cvesOf(asset).find((c) => c.cve === cve), `${asset} ${cve}`).toMatchObject({ candidate: false, matchedBy: 'nvd' });
      }
      // The demo is dated now; the KEV due dates of these 2023-2024 CVEs are long past.
      const due = await repo.listFindings(scope, { control: 'hg.ctl.updates.kev-due-dates' });
      const first = await repo.listFindings(scope, { control: 'hg.ctl.updates.hub-tools-first' });
      expect(due.length + first.length).toBeGreaterThan(0);
      expect(first.map((f) => f.subject.id)).toContain(DEMO_MSP_TOOLS.remote);
      expect(due.find((f) => f.subject.id === DEMO_MSP_TOOLS.vpn)?.severity).toBe('critical');
    } finally {
      await db.close();
    }
  }, 60_000);
});
