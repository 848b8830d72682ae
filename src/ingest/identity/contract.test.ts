import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordKind, type Problem } from '../../core/index.js';
import type { CandidateBatch, Importer } from '../importer.js';
import { IMPORTERS } from '../registry.js';
import * as I from './importers.js';
import { FIXTURES, WORKSPACE_EXAMPLE, inputFile } from './test-support.js';

/** Every identity importer with the fixtures it owns and the tenant those exports came from. */
const OWN: [Importer, string[], string][] = [
  [I.graphUsersImporter, ['graph-users.json', 'graph-users-keel.jsonl'], 'st-brigid-clinic'],
  [I.graphMfaImporter, ['graph-registration-details.json'], 'st-brigid-clinic'],
  [I.graphGroupsImporter, ['graph-groups.json'], 'st-brigid-clinic'],
  [I.graphMembersImporter, ['group-3f0c6a2b-8d1e-4f5a-b6c7-d8e9f0a1b2c3-members.json'], 'st-brigid-clinic'],
  [I.graphRoleDefinitionsImporter, ['graph-role-definitions.json'], 'st-brigid-clinic'],
  [I.graphRoleAssignmentsImporter, ['graph-role-assignments.json'], 'st-brigid-clinic'],
  [I.graphRoleEligibilityImporter, ['graph-role-eligibility.json'], 'st-brigid-clinic'],
  [I.gdapImporter, ['gdap-relationships.json'], 'harbor-msp'],
  [I.gdapAssignmentsImporter, ['broken/gdap-access-assignments.json'], 'harbor-msp'],
  [I.partnerCustomersImporter, ['partner-center-customers.json'], 'harbor-msp'],
  [I.dapCsvImporter, ['dap-customers.csv'], 'harbor-msp'],
  [I.adUsersImporter, ['ad-users.csv'], 'st-brigid-clinic'],
  [I.adGroupMembersImporter, ['domain-admins-members.csv'], 'st-brigid-clinic'],
  [I.toolAccountsImporter, ['harbor-rmm-technicians.csv', 'harbor-screenconnect-users.csv', 'msp-tool-accounts.csv'], 'harbor-msp'],
];

const files = (dir: string) => readdirSync(dir).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
const ALL_FIXTURES = [...files(FIXTURES), ...files(join(FIXTURES, 'broken'))];
const WORKSPACE_FILES = [...files(WORKSPACE_EXAMPLE), ...files(join(FIXTURES, 'workspace'))];

async function readAll(imp: Importer, path: string, customer: string) {
  const problems: Problem[] = [];
  const batches: CandidateBatch[] = [];
  const ctx = { customer, progress: () => {}, problem: (code: Problem['code'], message: string, location: Problem['location']) => problems.push({ code, message, location }) };
  for await (const b of imp.read(await inputFile(path), ctx)) batches.push(b);
  return { problems, batches };
}

describe('identity importers: shared contract', () => {
  it('registers every identity importer', () => {
    expect(I.IDENTITY_IMPORTERS).toHaveLength(OWN.length);
    for (const imp of I.IDENTITY_IMPORTERS) expect(IMPORTERS).toContain(imp);
  });

  describe.each(OWN.map(([imp, fixtures, customer]) => [imp.name, imp, fixtures, customer] as const))('%s', (_name, imp, fixtures, customer) => {
    it('recognizes its own fixtures, above every other importer', async () => {
      for (const f of fixtures) {
        const file = await inputFile(join(FIXTURES, f));
        const mine = imp.recognize(file);
        expect(mine, f).toBeGreaterThanOrEqual(70);
        for (const other of IMPORTERS) if (other !== imp) expect(other.recognize(file), `${other.name} on ${f}`).toBeLessThan(mine);
      }
    });

    it("gives 0 to the other importers' fixtures and to workspace files", async () => {
      const owned = new Set(OWN.flatMap(([i, fs]) => (i === imp ? fs : [])).map((f) => join(FIXTURES, f)));
      const othersOwn = new Set(OWN.flatMap(([i, fs]) => (i === imp ? [] : fs)).map((f) => join(FIXTURES, f)));
      for (const path of [...ALL_FIXTURES.filter((p) => othersOwn.has(p) && !owned.has(p)), ...WORKSPACE_FILES]) {
        expect(imp.recognize(await inputFile(path)), path).toBe(0);
      }
    });

    it('emits candidates that validate against their kind schemas, located on lines of the file', async () => {
      for (const f of fixtures) {
        const path = join(FIXTURES, f);
        const { problems, batches } = await readAll(imp, path, customer);
        if (imp === I.gdapAssignmentsImporter) {
          expect(problems.map((p) => p.code)).toEqual(['HG_ERR_VALIDATION']);
          continue;
        }
        expect(problems, f).toEqual([]);
        expect(batches.length, f).toBeGreaterThan(0);
        const lines = readFileSync(path, 'utf8').split('\n').length;
        for (const b of batches) {
          for (const c of b.items) {
            const r = recordKind(b.kind).schema.safeParse(c.value);
            expect(r.success, `${f} ${b.kind} ${JSON.stringify(c.value)} ${r.success ? '' : r.error.message}`).toBe(true);
            expect(c.location.file).toBe(path);
            expect(c.location.line).toBeGreaterThanOrEqual(1);
            expect(c.location.line).toBeLessThanOrEqual(lines);
          }
        }
      }
    });

    it('reports a missing --customer once, at the file, instead of emitting records', async () => {
      for (const f of fixtures) {
        const { problems, batches } = await readAll(imp, join(FIXTURES, f), '');
        if (imp === I.gdapAssignmentsImporter) continue;
        expect(batches.flatMap((b) => b.items)).toEqual([]);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatchObject({ code: 'HG_ERR_VALIDATION', location: { file: join(FIXTURES, f) } });
        expect(problems[0]!.message).toMatch(/does not name its tenant: pass --customer/);
      }
    });

    it('is deterministic: reading twice gives the same candidates (stable natural keys)', async () => {
      for (const f of fixtures) {
        const a = await readAll(imp, join(FIXTURES, f), customer);
        const b = await readAll(imp, join(FIXTURES, f), customer);
        expect(JSON.stringify(b.batches.map((x) => x.items.map((i) => i.value)))).toBe(JSON.stringify(a.batches.map((x) => x.items.map((i) => i.value))));
      }
    });
  });
});
