import { describe, expect, it } from 'vitest';
import { BUNDLED_KEV_DATE, BUNDLED_NVD_CVES, BUNDLED_NVD_DATE, bundledKevPath, bundledNvdPath } from './bundled.js';
import { parseFeedFile } from './parse.js';

describe('bundled feeds', () => {
  it('the NVD excerpt is an NVD page of KEV CVEs, dated by its timestamp, and no sync point', async () => {
    const nvd = await parseFeedFile(bundledNvdPath());
    const kev = await parseFeedFile(bundledKevPath());
    if (nvd.name !== 'nvd' || kev.name !== 'kev') throw new Error('the bundled files are not NVD and KEV');
    expect(nvd.date).toBe(BUNDLED_NVD_DATE);
    expect(kev.date).toBe(BUNDLED_KEV_DATE);
    expect(nvd.cves.map((c) => c.id)).toEqual(BUNDLED_NVD_CVES);
    expect(nvd.sync).toBeUndefined();
    const inKev = new Set(kev.entries.map((e) => e.cveID));
    expect(BUNDLED_NVD_CVES.filter((id) => !inKev.has(id))).toEqual([]);
    // Every record but the one NVD had not analysed yet carries its version ranges.
    expect(nvd.cves.filter((c) => c.configurations.length === 0).map((c) => c.id)).toEqual(['CVE-2024-3400']);
  });
});
