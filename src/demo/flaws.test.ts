import { describe, expect, it } from 'vitest';
import { mfaStrength, type MfaMethod } from '../core/index.js';
import { FLAW_CODES, demoFlaws, generateDemo, type DemoFlaw, type DemoOptions, type FlawCode } from './index.js';
import type { DemoRecordInputs } from './types.js';

type Rec<K extends keyof DemoRecordInputs> = DemoRecordInputs[K];
const DAY = 86_400_000;
const MSP_ID = 'northwind-msp';

/**
 * Known-exploited versions, written down here independently of the generator:
 * CPE prefix → a CVE from CISA's KEV catalog that affects it.
 */
const KEV_BY_CPE: Record<string, string> = {
  'cpe:2.3:a:connectwise:screenconnect:23.9.7:': 'CVE-2024-1709',
  'cpe:2.3:o:fortinet:fortios:7.4.2:': 'CVE-2024-21762',
  'cpe:2.3:o:fortinet:fortios:7.2.5:': 'CVE-2024-21762',
  'cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-49.13:': 'CVE-2023-4966',
  'cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:': 'CVE-2024-3400',
  'cpe:2.3:a:ivanti:connect_secure:22.4:r2.1:': 'CVE-2024-21887',
  'cpe:2.3:a:veeam:veeam_backup_\\&_replication:12.1.2.172:': 'CVE-2024-40711',
  'cpe:2.3:o:sonicwall:sonicos:7.0.1-5035:': 'CVE-2024-40766',
  'cpe:2.3:o:cisco:ios_xe:17.9.3:': 'CVE-2023-20198',
};
const kevOf = (cpe: string | undefined) => Object.entries(KEV_BY_CPE).find(([prefix]) => cpe?.startsWith(prefix))?.[1];

/** The whole workspace in memory (fine for a few dozen customers). */
function load(options: DemoOptions) {
  const ws = generateDemo(options);
  return {
    now: (options.now ?? new Date('2026-11-01T00:00:00Z')).getTime(),
    orgs: [...ws.organization()],
    identities: [...ws.identity()],
    groups: [...ws.group()],
    memberships: [...ws.membership()],
    grants: [...ws.grant()],
    assets: [...ws.asset()],
    services: [...ws.service()],
    backups: [...ws.backup()],
    logSources: [...ws.logSource()],
    agreements: [...ws.agreement()],
    irPlans: [...ws.irPlan()],
    exercises: [...ws.exercise()],
  };
}
type Data = ReturnType<typeof load>;
const ts = (s: string | undefined) => (s ? Date.parse(s) : Number.NaN);

/**
 * Each flaw as a query over the data: the subjects (`kind|key`) that show it.
 * Written from the flaw's meaning, not from the generator's code.
 */
const DETECT: Record<FlawCode, (d: Data) => string[]> = {
  'standing-global-admin': (d) => mspGrants(d).filter((g) => g.via === 'gdap' && g.privilege === 'global-admin' && g.mode === 'standing').map((g) => `grant|${g.id}`),
  'legacy-dap': (d) => d.grants.filter((g) => g.via === 'dap').map((g) => `grant|${g.id}`),
  'gdap-autoextend-global-admin': (d) => d.grants.filter((g) => g.via === 'gdap' && g.autoExtend && g.privilege === 'global-admin').map((g) => `grant|${g.id}`),
  'technician-without-mfa': (d) => technicians(d).filter((x) => (x.mfa ?? []).length === 0).map((x) => `identity|${x.id}`),
  'technician-weak-mfa': (d) =>
    technicians(d).filter((x) => (x.mfa ?? []).length > 0 && (x.mfa ?? []).every((m) => mfaStrength(m as MfaMethod) === 'weak')).map((x) => `identity|${x.id}`),
  'shared-admin-credential': (d) => {
    const tenants = new Map<string, Set<string>>();
    for (const x of d.identities) if (x.credentialRef) tenants.set(x.credentialRef, (tenants.get(x.credentialRef) ?? new Set()).add(x.tenant));
    return d.identities.filter((x) => x.credentialRef && (tenants.get(x.credentialRef)?.size ?? 0) > 1).map((x) => `identity|${x.id}`);
  },
  'departed-technician-active': (d) =>
    d.identities
      .filter((x) => x.departedAt && x.enabled !== false)
      .filter((x) => d.grants.some((g) => g.principal === x.id) || d.memberships.some((m) => m.member === x.id && d.grants.some((g) => g.principal === m.group)))
      .map((x) => `identity|${x.id}`),
  'stale-account': (d) => d.identities.filter((x) => x.enabled !== false && ts(x.lastSignIn) < d.now - 90 * DAY).map((x) => `identity|${x.id}`),
  'msp-account-in-customer-admin-group': (d) => {
    const mspIds = new Set(d.identities.filter((x) => x.tenant === MSP_ID).map((x) => x.id));
    const adminGroups = new Set(d.groups.filter((g) => g.privileged && g.tenant !== MSP_ID).map((g) => g.id));
    return d.memberships.filter((m) => adminGroups.has(m.group) && mspIds.has(m.member)).map((m) => `membership|${m.group}>${m.member}`);
  },
  'ended-agreement-standing-access': (d) =>
    d.agreements
      .filter((a) => ts(a.end) < d.now && mspGrants(d).some((g) => g.tenant === a.tenant && g.mode === 'standing'))
      .map((a) => `agreement|${a.id}`),
  'notify-confirmed-only': (d) => d.agreements.filter((a) => !a.notifySuspected).map((a) => `agreement|${a.id}`),
  'slow-incident-notification': (d) => d.agreements.filter((a) => (a.notifyWithinHours ?? 0) > 72).map((a) => `agreement|${a.id}`),
  'unassigned-controls': (d) => d.agreements.filter((a) => Object.values(a.responsibilities ?? {}).includes('unassigned')).map((a) => `agreement|${a.id}`),
  'short-log-retention': (d) => d.logSources.filter((l) => l.retentionDays < 180).map((l) => `logSource|${l.id}`),
  'backup-never-restore-tested': (d) => d.backups.filter((b) => !b.lastRestoreTest).map((b) => `backup|${b.id}`),
  'ir-plan-without-msp-playbook': (d) => d.irPlans.filter((p) => !p.mspCompromisePlaybook).map((p) => `irPlan|${p.id}`),
  'missing-ir-plan': (d) => d.orgs.filter((o) => !d.irPlans.some((p) => p.tenant === o.id)).map((o) => `organization|${o.id}`),
  'ir-plan-not-exercised': (d) =>
    d.irPlans.filter((p) => !d.exercises.some((e) => e.plan === p.id && ts(e.date) >= d.now - 365 * DAY)).map((p) => `irPlan|${p.id}`),
  'internet-facing-rdp': (d) => d.services.filter((s) => s.port === 3389 && s.internetFacing).map((s) => `service|${s.id}`),
  'internet-facing-smb': (d) => d.services.filter((s) => s.port === 445 && s.internetFacing).map((s) => `service|${s.id}`),
  'remote-access-console-internet-facing': (d) =>
    d.assets.filter((a) => a.kind === 'msp-tool' && a.product === 'ScreenConnect' && a.internetFacing).map((a) => `asset|${a.id}`),
  'kev-vulnerable-msp-tool': (d) => d.assets.filter((a) => a.kind === 'msp-tool' && kevOf(a.cpe)).map((a) => `asset|${a.id}`),
  'kev-vulnerable-device': (d) => d.assets.filter((a) => a.kind !== 'msp-tool' && kevOf(a.cpe)).map((a) => `asset|${a.id}`),
  'end-of-life-software': (d) => d.assets.filter((a) => ts(a.endOfLife) < d.now).map((a) => `asset|${a.id}`),
};

function technicians(d: Data): Rec<'identity'>[] {
  return d.identities.filter((x) => x.tenant === MSP_ID && (x.tags ?? []).includes('technician'));
}
/** Grants into customers held by MSP principals (its groups, identities or tools). */
function mspGrants(d: Data): Rec<'grant'>[] {
  const mine = new Set([
    ...d.identities.filter((x) => x.tenant === MSP_ID).map((x) => x.id),
    ...d.groups.filter((g) => g.tenant === MSP_ID).map((g) => g.id),
    ...d.assets.filter((a) => a.tenant === MSP_ID).map((a) => a.id),
  ]);
  return d.grants.filter((g) => g.tenant !== MSP_ID && mine.has(g.principal));
}

const listed = (flaws: DemoFlaw[], code: FlawCode) => flaws.filter((f) => f.flaw === code).map((f) => `${f.subject.kind}|${f.subject.id}`).sort();

describe('demoFlaws', () => {
  const options: DemoOptions = { customers: 36, seed: 11 };
  const data = load(options);
  const flaws = demoFlaws(options);

  it('lists every flaw code', () => {
    expect(new Set(flaws.map((f) => f.flaw))).toEqual(new Set(FLAW_CODES));
  });

  it.each(FLAW_CODES)('%s: every listed subject shows the flaw in the data, and every one in the data is listed', (code) => {
    const inData = [...new Set(DETECT[code](data))].sort();
    expect(inData.length).toBeGreaterThan(0);
    expect(listed(flaws, code)).toEqual(inData);
  });

  it('names a real record and its tenant for every flaw', () => {
    const tenants = new Set(data.orgs.map((o) => o.id));
    for (const f of flaws) {
      expect(tenants.has(f.tenant), f.tenant).toBe(true);
      expect(f.description.length).toBeGreaterThan(20);
    }
  });

  it('plants several standing Global Admin grants and a shared credential across customers', () => {
    expect(new Set(flaws.filter((f) => f.flaw === 'standing-global-admin').map((f) => f.tenant)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(flaws.filter((f) => f.flaw === 'shared-admin-credential').map((f) => f.tenant)).size).toBeGreaterThanOrEqual(3);
  });

  it('names the KEV entries of the vulnerable versions', () => {
    for (const f of flaws.filter((x) => x.flaw.startsWith('kev-'))) {
      const asset = data.assets.find((a) => a.id === f.subject.id);
      expect(f.description).toContain(kevOf(asset?.cpe) ?? 'no KEV entry');
    }
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('plants every flaw at five customers (seed %i)', (seed) => {
    const small = { customers: 5, seed };
    const got = demoFlaws(small);
    expect(new Set(got.map((f) => f.flaw))).toEqual(new Set(FLAW_CODES));
    const d = load(small);
    for (const code of FLAW_CODES) expect(listed(got, code), code).toEqual([...new Set(DETECT[code](d))].sort());
  });
});

describe('hospital', () => {
  it.each([5, 24, 60])('is exactly one critical-infrastructure customer at %i customers', (customers) => {
    const hospitals = [...generateDemo({ customers }).organization()].filter((o) => o.sector === 'hospital');
    expect(hospitals).toHaveLength(1);
    expect(hospitals[0]?.criticalInfrastructure).toBe(true);
    expect(hospitals[0]?.criticality).toBe('critical');
  });

  it('is absent below five customers', () => {
    expect([...generateDemo({ customers: 4 }).organization()].some((o) => o.sector === 'hospital')).toBe(false);
  });
});
