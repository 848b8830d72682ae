import { daysAgo, randomAgo, type DemoContext } from './context.js';
import type { DeviceLayout } from './devices.js';
import type { People } from './people.js';
import { rngFor } from './prng.js';
import type { CustomerProfile } from './profile.js';
import { MSP, MSP_TOOLS } from './staff.js';
import type { DemoFlaw, DemoRecordInputs } from './types.js';

type In<K extends keyof DemoRecordInputs> = DemoRecordInputs[K];

/** A customer's backups, log sources, contract, IR plan and exercises. */
export interface Governance {
  backups: In<'backup'>[];
  logSources: In<'logSource'>[];
  agreement: In<'agreement'>;
  irPlan?: In<'irPlan'>;
  exercises: In<'exercise'>[];
  flaws: DemoFlaw[];
}

/** The advisory's minimum: keep the most important logs six months. */
const MIN_RETENTION = 180;

const SERVICES_IN_SCOPE = [
  'Service desk', 'Endpoint management and patching', 'Microsoft 365 administration', 'Server and backup management',
  'Firewall and VPN management', 'Security monitoring',
];
const SERVICES_OUT_OF_SCOPE: Record<string, string> = {
  healthcare: 'Practice management software support', hospital: 'Clinical systems and medical devices',
  legal: 'Document management application support', manufacturing: 'Production line OT networks',
  education: 'Classroom audio-visual equipment', finance: 'Tax software vendor support',
  nonprofit: 'Donor database administration', construction: 'Site CCTV and access control', retail: 'Point-of-sale terminals',
};

/** Derives a customer's governance records. */
export function customerGovernance(ctx: DemoContext, p: CustomerProfile, people: People, devices: DeviceLayout): Governance {
  const rng = rngFor(ctx.seed, 'customer', p.i, 'governance');
  const t = p.id;
  const flaws: DemoFlaw[] = [];
  const rpo = p.criticality === 'critical' ? 4 : 24;
  const rto = p.criticality === 'critical' ? 4 : p.criticality === 'high' ? 8 : 24;

  // Backups: nightly images, an immutable offsite copy, and Microsoft 365 data.
  const untested = ctx.has('backup-never-restore-tested', p.i) ? rng.int(0, 2) : -1;
  const specs = [
    { key: 'servers', name: 'Server image backup', tool: 'Veeam Backup & Replication', assets: devices.servers, freq: rpo, extra: {} },
    {
      key: 'offsite', name: 'Offsite immutable copy', tool: 'Veeam Backup & Replication', assets: devices.servers, freq: 24,
      // Small offices often rotate a disk off site instead of (or as well as) an immutable cloud repository.
      extra: { immutable: true, isolated: true, keysSeparate: true, offline: rng.chance(0.3) },
    },
    { key: 'm365', name: 'Microsoft 365 mail, OneDrive and SharePoint', tool: 'Veeam Backup for Microsoft 365', assets: [devices.m365], freq: 12, extra: {} },
  ];
  const backups: In<'backup'>[] = specs.map((s, k) => {
    const id = `${t}:backup:${s.key}`;
    const tested = k !== untested;
    if (!tested) {
      flaws.push({
        flaw: 'backup-never-restore-tested', tenant: t, subject: { kind: 'backup', id },
        description: `The backup job "${s.name}" at ${p.name} has never had a restore test.`,
      });
    }
    return {
      id, tenant: t, name: s.name, assets: [...s.assets], tool: s.tool, frequencyHours: s.freq, rpoHours: Math.max(rpo, s.freq), rtoHours: rto,
      lastSuccess: randomAgo(ctx, rng, 0, 0.9),
      ...(tested ? { lastRestoreTest: randomAgo(ctx, rng, 14, 170), restoreTestHours: Math.round(rto * (0.3 + rng.next() * 0.6) * 10) / 10 } : {}),
      ...s.extra,
    };
  });

  // Log sources: identity, cloud audit, perimeter, and the MSP's own delivery tools as seen from this tenant.
  const shortLog = ctx.has('short-log-retention', p.i);
  const logSpecs: { key: string; name: string; kind: In<'logSource'>['kind']; asset?: string; msp?: boolean; short?: number }[] = [
    { key: 'entra-signin', name: 'Entra ID sign-in logs', kind: 'authentication', asset: devices.m365, short: 30 },
    { key: 'm365-audit', name: 'Microsoft 365 unified audit log', kind: 'cloud-audit', asset: devices.m365 },
    { key: 'firewall', name: 'Firewall traffic and VPN events', kind: 'firewall', asset: devices.firewall, short: 90 },
    { key: 'rmm', name: 'N-central activity for this customer', kind: 'rmm', asset: MSP_TOOLS.rmm, msp: true },
    { key: 'remote-access', name: 'ScreenConnect session audit', kind: 'remote-access', asset: MSP_TOOLS.remote, msp: true, short: 90 },
    { key: 'vpn', name: 'Site-to-site VPN tunnel logs', kind: 'vpn', asset: devices.firewall, msp: true },
    { key: 'email', name: 'Defender for Office 365 e-mail events', kind: 'email', asset: devices.m365 },
    { key: 'edr', name: 'Endpoint detection and response alerts', kind: 'edr' },
  ];
  if (devices.domainController) logSpecs.push({ key: 'dc-security', name: 'Domain controller Security event log', kind: 'authentication', asset: devices.domainController, short: 60 });
  const shortKeys = new Set(shortLog ? rng.sample(logSpecs.filter((s) => s.short), rng.int(1, 2)).map((s) => s.key) : []);
  const logSources: In<'logSource'>[] = logSpecs.map((s) => {
    const id = `${t}:log:${s.key}`;
    const short = shortKeys.has(s.key) && s.short !== undefined;
    if (short) {
      flaws.push({
        flaw: 'short-log-retention', tenant: t, subject: { kind: 'logSource', id },
        description: `${s.name} at ${p.name} are kept ${s.short} days, less than the ${MIN_RETENTION} days the advisory asks for.`,
      });
    }
    return {
      id, tenant: t, name: s.name, kind: s.kind, retentionDays: short ? (s.short as number) : rng.pick([180, 365, 365, 400]),
      centralized: !short, mspInfrastructure: s.msp ?? false, customerVisible: true, ...(s.asset ? { asset: s.asset } : {}),
    };
  });

  // The contract: three-year terms renewed since onboarding; where one ended, nobody removed the access.
  const agreementId = `${t}:msa`;
  const endMs = p.contractEndedDaysAgo !== undefined ? ctx.nowMs - p.contractEndedDaysAgo * 86_400_000 : undefined;
  const start = endMs !== undefined ? new Date(endMs - 3 * 365 * 86_400_000).toISOString() : daysAgo(ctx, p.onboardedDaysAgo % 1095);
  const end = endMs !== undefined ? new Date(endMs).toISOString() : new Date(Date.parse(start) + 3 * 365 * 86_400_000).toISOString();
  const unassigned = new Set(ctx.has('unassigned-controls', p.i) ? rng.sample(ctx.controls, rng.int(2, 4)).map((c) => c.id) : []);
  const responsibilities: Record<string, 'msp' | 'customer' | 'shared' | 'unassigned'> = {};
  for (const c of ctx.controls) responsibilities[c.id] = unassigned.has(c.id) ? 'unassigned' : c.duty;
  const confirmedOnly = ctx.has('notify-confirmed-only', p.i);
  const slow = ctx.has('slow-incident-notification', p.i);
  const agreement: In<'agreement'> = {
    id: agreementId, tenant: t, msp: MSP.id, title: `Managed IT Services Agreement - ${p.name}`, start, end,
    servicesInScope: [...SERVICES_IN_SCOPE], servicesOutOfScope: [SERVICES_OUT_OF_SCOPE[p.sector] ?? 'Line-of-business applications', 'Physical security'],
    responsibilities, notifySuspected: !confirmedOnly, notifyWithinHours: slow ? rng.pick([96, 120, 168]) : rng.pick([4, 24, 24, 48, 72]),
    rpoHours: rpo, rtoHours: rto,
  };
  const sub = { kind: 'agreement' as const, id: agreementId };
  if (endMs !== undefined) {
    flaws.push({
      flaw: 'ended-agreement-standing-access', tenant: t, subject: sub,
      description: `The agreement with ${p.name} ended ${p.contractEndedDaysAgo} days ago, yet the MSP's RMM, remote-access and GDAP access are still standing.`,
    });
  }
  if (confirmedOnly) flaws.push({ flaw: 'notify-confirmed-only', tenant: t, subject: sub, description: `The agreement with ${p.name} only requires notice of confirmed incidents, not suspected ones.` });
  if (slow) flaws.push({ flaw: 'slow-incident-notification', tenant: t, subject: sub, description: `The agreement with ${p.name} allows ${agreement.notifyWithinHours} hours to notify an incident (more than 72).` });
  if (unassigned.size > 0) {
    flaws.push({
      flaw: 'unassigned-controls', tenant: t, subject: sub,
      description: `The agreement with ${p.name} leaves ${[...unassigned].sort().join(', ')} unassigned.`,
    });
  }

  // Incident response: most customers have a plan; about half have exercised it this year.
  let irPlan: In<'irPlan'> | undefined;
  const exercises: In<'exercise'>[] = [];
  if (ctx.has('missing-ir-plan', p.i)) {
    flaws.push({
      flaw: 'missing-ir-plan', tenant: t, subject: { kind: 'organization', id: t },
      description: `${p.name} has no incident response plan.`,
    });
  } else {
    const planId = `${t}:ir-plan`;
    const noPlaybook = ctx.has('ir-plan-without-msp-playbook', p.i);
    irPlan = {
      id: planId, tenant: t, title: `Incident Response Plan - ${p.name}`, executive: people.executive.displayName,
      technicalLead: p.users >= 30 ? (people.persons[2]?.displayName ?? people.itContact.displayName) : `${MSP.name} service desk`,
      procurement: people.itContact.displayName, mspCompromisePlaybook: !noPlaybook, hardCopy: rng.chance(0.85),
      updated: randomAgo(ctx, rng, 20, 300),
    };
    if (noPlaybook) {
      flaws.push({
        flaw: 'ir-plan-without-msp-playbook', tenant: t, subject: { kind: 'irPlan', id: planId },
        description: `The incident response plan of ${p.name} has no playbook for a compromise of its MSP.`,
      });
    }
    const exercisedThisYear = !ctx.has('ir-plan-not-exercised', p.i);
    if (exercisedThisYear) {
      exercises.push({
        id: `${t}:exercise:recent`, tenant: t, plan: planId, date: randomAgo(ctx, rng, 15, 330), kind: 'tabletop',
        scenario: rng.pick(['Ransomware pushed through the MSP remote-management tool', 'Business e-mail compromise of the practice manager', 'MSP technician account taken over']),
        afterActionReport: true,
      });
    }
    // Some customers did one exercise long ago and never again.
    if (rng.chance(0.4)) {
      exercises.push({
        id: `${t}:exercise:earlier`, tenant: t, plan: planId, date: randomAgo(ctx, rng, 400, 900), kind: 'walkthrough',
        scenario: 'Plan walkthrough after adoption', afterActionReport: rng.chance(0.5),
      });
    }
    if (!exercisedThisYear) {
      flaws.push({
        flaw: 'ir-plan-not-exercised', tenant: t, subject: { kind: 'irPlan', id: planId },
        description: `The incident response plan of ${p.name} has not been exercised in the last year.`,
      });
    }
  }
  return { backups, logSources, agreement, irPlan, exercises, flaws };
}
