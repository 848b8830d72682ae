import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Asset, Organization } from '../../core/index.js';
import { runImport } from '../../ingest/run.js';
import { emptyModel } from '../engine.js';
import { VULN_CONTROLS, vulnFindings } from './vulns.js';

const EXAMPLE = join(import.meta.dirname, '../../../fixtures/workspace/example');
const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

/** Imports a workspace of the example organizations plus `files`, returning the asset records as written. */
async function importAssets(files: Record<string, string>): Promise<{ assets: Asset[]; orgs: Organization[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'hg-eol-'));
  dirs.push(dir);
  await cp(join(EXAMPLE, 'organizations.yaml'), join(dir, 'organizations.yaml'));
  for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
  const out: Record<string, object[]> = {};
  await runImport([dir], {
    async write(kind, records) { (out[kind] ??= []).push(...records); },
    async merge(kind, records) { (out[kind] ??= []).push(...records); },
    async existing() { return new Map(); },
  });
  return { assets: (out.asset ?? []) as Asset[], orgs: (out.organization ?? []) as Organization[] };
}

describe('asset replacementPlanned through the workspace importer', () => {
  const now = new Date('2026-11-29T00:00:00Z');
  const run = (assets: Asset[], orgs: Organization[]) => {
    const m = emptyModel();
    m.organization = orgs;
    m.asset = assets;
    return vulnFindings(m, { kev: new Map(), epss: new Map(), nvd: [], dates: {} }, now).filter((f) => f.control === VULN_CONTROLS.endOfLifeReplacement);
  };

  it('reads the column from CSV and the field from JSON and YAML, and the engine honours it', async () => {
    const csv = await importAssets({
      'assets.csv':
        'id,tenant,name,kind,vendor,product,endOfLife,replacementPlanned\n' +
        'dc1,harbor-msp,DC1,device,Microsoft,Windows Server 2016 Standard,,2026-12-20\n' +
        'dc2,harbor-msp,DC2,device,Microsoft,Windows Server 2016 Standard,,\n',
    });
    expect(csv.assets.find((a) => a.id === 'dc1')).toMatchObject({ replacementPlanned: '2026-12-20T00:00:00.000Z' });
    expect(csv.assets.find((a) => a.id === 'dc2')!.replacementPlanned).toBeUndefined();
    expect(run(csv.assets, csv.orgs).map((f) => f.subject.id)).toEqual(['dc2']);

    const json = await importAssets({ 'assets.json': JSON.stringify([{ id: 'j1', tenant: 'harbor-msp', name: 'J1', kind: 'device', replacementPlanned: '2026-12-01T09:30:00+01:00' }]) });
    expect(json.assets[0]).toMatchObject({ replacementPlanned: '2026-12-01T08:30:00.000Z' });
    const yaml = await importAssets({ 'assets.yaml': '- id: y1\n  tenant: harbor-msp\n  name: Y1\n  kind: device\n  replacementPlanned: 2027-01-05\n' });
    expect(yaml.assets[0]).toMatchObject({ replacementPlanned: '2027-01-05T00:00:00.000Z' });
  }, 30_000);
});
