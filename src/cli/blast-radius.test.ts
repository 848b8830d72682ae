import { beforeAll, describe, expect, it } from 'vitest';
import { importedExample, runCli } from './test-support.js';

let db = '';
/** Runs a command against the imported example, judged as of 2026-12-01. */
const run = (...args: string[]) => runCli([...args, '--db', db, '--now', '2026-12-01']);

beforeAll(async () => {
  db = await importedExample();
});

describe('hubguard blast-radius', () => {
  it('ranks the hub’s chokepoints with the customers, endpoints and assets each reaches', async () => {
    const r = await run('blast-radius');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('Chokepoints of the hub: 8 principal(s) and tool(s), 2 customer(s)');
    expect(lines[4]).toMatch(/^1\s+N-central RMM\s+tool\s+2\s+140\s+4\s+0\s+system$/);
    expect(lines[5]).toMatch(/^2\s+Ana Ortiz\s+identity\s+2\s+2\s+4\s+0\s+global-admin$/);
    const top = await run('blast-radius', '--top', '2', '--json');
    expect(top.out.trim().split('\n').map((l) => JSON.parse(l).source.id)).toEqual(['harbor-rmm', 'ana@harbor-it.example']);
  });

  it('shows one radius with the path of highest privilege to each customer', async () => {
    const r = await run('blast-radius', 'ana@harbor-it.example');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Blast radius of Ana Ortiz \(identity ana@harbor-it.example\): 2 customer\(s\), 2 endpoints, 4 asset\(s\), highest privilege global-admin/);
    expect(r.out).toContain('Ana Ortiz → MSP admins → (global-admin, dap) Global Administrator @ Keel & Marsh LLP → Keel & Marsh LLP');
    expect(r.out).toContain('Ana Ortiz → Tier 2 technicians → (global-admin, gdap) Global Administrator @ St Brigid Family Clinic → St Brigid Family Clinic');
    const json = JSON.parse((await run('blast-radius', 'harbor-rmm', '--json', '--assets')).out);
    expect(json.reached.map((c: { customer: { id: string }; privilege: string }) => [c.customer.id, c.privilege])).toEqual([
      ['keel-law', 'system'],
      ['st-brigid-clinic', 'system'],
    ]);
    expect(json.declaredEndpoints).toBe(140);
    expect(json.assetList).toHaveLength(4);
  });

  it('answers what-ifs before → after', async () => {
    const mfa = await run('blast-radius', 'cy@harbor-it.example', '--what-if', 'enforce-mfa:cy@harbor-it.example');
    expect(mfa.code, mfa.err).toBe(0);
    expect(mfa.out).toContain('for an attacker with passwords only: 1 customer(s), 2 endpoints, 3 asset(s) → 0 customer(s), 0 endpoints, 0 asset(s)');
    expect(mfa.out).toMatch(/St Brigid Family Clinic\s+global-admin\s+unreachable/);
    const jit = JSON.parse((await run('blast-radius', 'harbor-tier2', '--what-if', 'jit:gdap-stbrigid-tier2', '--json')).out);
    expect([jit.before.customers, jit.after.customers, jit.attacker]).toEqual([1, 0, { standingOnly: true }]);
    const hub = await run('blast-radius', '--what-if', 'remove-edge:stbrigid-domain-admins>ben@harbor-it.example');
    expect(hub.out).toContain('No hub principal or tool changes.');
    const cut = await run('blast-radius', '--what-if', 'remove-edge:harbor-tier2>ben@harbor-it.example');
    expect(cut.out).toMatch(/Ben Clarke\s+identity\s+1 → 1\s+2 → 2\s+3 → 3\s+global-admin → admin/);
  });

  it('names unknown principals, ambiguous options and bad what-ifs', async () => {
    const none = await run('blast-radius', 'nobody');
    expect([none.code, none.err]).toEqual([1, expect.stringMatching(/no identity, group or tool "nobody".*\[HG_ERR_VALIDATION\]/)]);
    const bad = await run('blast-radius', '--what-if', 'explode:x');
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/unknown what-if "explode"/)]);
    const missing = await run('blast-radius', '--what-if', 'jit:no-such-grant');
    expect(missing.code).toBe(1);
    expect((await run('blast-radius', 'ana@harbor-it.example', '--kind', 'robot')).code).toBe(2);
  });
});
