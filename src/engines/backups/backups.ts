import { assertKnownControls } from '../../catalog/catalog.js';
import type { Asset, BackupJob } from '../../core/index.js';
import { DAY_MS, Governance, HOUR_MS, dateOf, sortDrafts, tuning, wholeDays, type EngineSettings, type RaiseReason } from '../agreements/context.js';
import type { Engine, FindingDraft } from '../engine.js';

/** The catalog controls of area 8 this engine checks. */
export const BACKUP_CONTROLS = {
  rpo: 'hg.ctl.backups.rpo',
  restoreTested: 'hg.ctl.backups.restore-tested',
  rto: 'hg.ctl.backups.rto',
  isolatedCopy: 'hg.ctl.backups.isolated-copy',
  separateKeys: 'hg.ctl.backups.separate-keys',
  credentialsSeparate: 'hg.ctl.backups.credentials-separate',
  coverage: 'hg.ctl.backups.coverage',
} as const;
const C = BACKUP_CONTROLS;
assertKnownControls(Object.values(C), 'backups engine');

/** Criticalities whose servers must be in a backup job (hg.ctl.backups.coverage: "high or critical importance"). */
const MUST_BACK_UP: ReadonlySet<Asset['criticality']> = new Set<Asset['criticality']>(['high', 'critical']);

/**
 * Whether an asset is a server: a device tagged `server` or running a server OS.
 * Workstations, printers and network appliances are rebuilt or reconfigured
 * rather than restored, so the coverage check leaves them out.
 */
export const isServer = (a: Asset): boolean =>
  a.kind === 'device' && (a.tags.some((t) => t.toLowerCase() === 'server') || /\bserver\b/i.test(a.os ?? ''));

/** A copy an attacker holding production or MSP credentials cannot delete. */
const isolated = (j: BackupJob) => j.immutable || j.offline || j.isolated;

const round1 = (n: number) => Math.round(n * 10) / 10;
const jobSubject = (j: BackupJob) => ({ kind: 'backup', id: j.id, name: j.name });

/**
 * The backups engine (area 8): frequency and freshness against the RPO, restore
 * tests and their duration against the RTO, isolated copies, separate keys and
 * credentials, and backup coverage of important servers. Job RPO/RTO win; the
 * customer's agreement in force supplies them where the job has none.
 */
export function createBackupsEngine(settings: EngineSettings = {}): Engine {
  const t = tuning(Object.values(C), settings);
  const maxDaysSinceTest = t.num(C.restoreTested, 'maxDaysSinceTest');
  return {
    name: 'backups',
    controls: Object.values(C),
    run(model, ctx) {
      const g = new Governance(model, ctx.now);
      const assets = new Map(model.asset.map((a) => [a.id, a]));
      const jobsByAsset = new Map<string, BackupJob[]>();
      for (const j of model.backup) for (const a of j.assets) jobsByAsset.set(a, [...(jobsByAsset.get(a) ?? []), j]);
      // Backups of the MSP's own tools restore the hub that reaches every customer.
      const reasons = (j: BackupJob): RaiseReason[] => (j.assets.some((a) => assets.get(a)?.kind === 'msp-tool') ? ['msp-infrastructure'] : []);
      const out: FindingDraft[] = [];
      for (const j of model.backup) {
        const push = (d: FindingDraft | undefined) => d && out.push(d);
        push(rpo(g, j, reasons(j)));
        push(restoreTested(g, j, reasons(j), maxDaysSinceTest));
        push(rto(g, j, reasons(j)));
        push(copyGap(g, j, reasons(j), jobsByAsset, 'isolated'));
        push(copyGap(g, j, reasons(j), jobsByAsset, 'keys'));
        if (j.credentialsShared) {
          out.push(
            g.draft({
              control: C.credentialsSeparate, tenant: j.tenant, subject: jobSubject(j), raise: reasons(j),
              title: `${j.name}: backup console credentials are shared with production admins`,
              detail:
                `Whoever administers production can also change or delete the backups of "${j.name}", so one stolen admin ` +
                'account (or one ransomware operator) takes both. Give the backup console its own accounts, with MFA.',
              evidence: { backup: j.id, credentialsShared: true, ...(j.tool ? { tool: j.tool } : {}) },
            }),
          );
        }
      }
      out.push(...coverage(g, jobsByAsset));
      return sortDrafts(out);
    },
  };
}

/** The backups engine with the catalog's defaults. */
export const backupsEngine: Engine = createBackupsEngine();

/** The strictest value of an agreement term among the tenant's agreements in force, and which agreement sets it. */
function agreed(g: Governance, tenant: string, term: 'rpoHours' | 'rtoHours'): { hours: number; from: string } | undefined {
  let best: { hours: number; from: string } | undefined;
  for (const a of g.currentAgreements(tenant)) {
    const h = a[term];
    if (h !== undefined && (!best || h < best.hours)) best = { hours: h, from: `agreement:${a.id}` };
  }
  return best;
}

/** The job's objective, or the agreement's when the job has none. */
function objective(g: Governance, j: BackupJob, term: 'rpoHours' | 'rtoHours'): { hours: number; from: string } | undefined {
  const own = j[term];
  return own !== undefined ? { hours: own, from: 'job' } : agreed(g, j.tenant, term);
}

/**
 * The job runs less often than its RPO, or its newest restore point is older
 * than the RPO allows (without an RPO, older than the job's own interval: a run
 * was missed). A job with no recorded success is not judged: absence of a
 * report is not proof of failure.
 */
function rpo(g: Governance, j: BackupJob, raise: RaiseReason[]): FindingDraft | undefined {
  const target = objective(g, j, 'rpoHours');
  const tooRare = target !== undefined && j.frequencyHours > target.hours;
  const allowedHours = target?.hours ?? j.frequencyHours;
  const sinceHours = j.lastSuccess !== undefined ? g.ageMs(j.lastSuccess) / HOUR_MS : undefined;
  const stale = sinceHours !== undefined && sinceHours > allowedHours;
  if (!tooRare && !stale) return undefined;
  const problems = [
    ...(tooRare ? [`runs every ${j.frequencyHours} h, coarser than its ${target.hours} h RPO`] : []),
    ...(stale ? [`last succeeded ${round1(sinceHours)} h ago, more than the ${allowedHours} h ${target ? 'RPO' : 'interval'} allows`] : []),
  ];
  return g.draft({
    control: C.rpo, tenant: j.tenant, subject: jobSubject(j), raise,
    title: `${j.name}: ${problems.join(' and ')}`,
    detail: `The backup job "${j.name}" ${problems.join(', and ')}: a loss now would lose more data than promised. ` +
      (tooRare ? 'Schedule it at least as often as the RPO. ' : '') + (stale ? 'Find out why recent runs failed or did not run.' : ''),
    evidence: {
      backup: j.id, frequencyHours: j.frequencyHours, ...(target ? { rpoHours: target.hours, rpoFrom: target.from } : {}),
      ...(j.lastSuccess ? { lastSuccess: j.lastSuccess, hoursSinceSuccess: round1(sinceHours ?? 0), allowedHours } : {}),
      problems: [...(tooRare ? ['frequency'] : []), ...(stale ? ['stale'] : [])],
    },
  });
}

function restoreTested(g: Governance, j: BackupJob, raise: RaiseReason[], maxDays: number): FindingDraft | undefined {
  const last = j.lastRestoreTest;
  if (last !== undefined && g.ageMs(last) <= maxDays * DAY_MS) return undefined;
  const days = last !== undefined ? wholeDays(g.ageMs(last)) : undefined;
  return g.draft({
    control: C.restoreTested, tenant: j.tenant, subject: jobSubject(j), raise,
    title: last ? `${j.name}: last restore test ${days} days ago (more than ${maxDays})` : `${j.name}: never restore-tested`,
    detail:
      (last ? `The last restore test of "${j.name}" was on ${dateOf(last)}, ${days} days ago.` : `No restore of "${j.name}" has ever been tested.`) +
      ` A backup nobody has restored may not restore; test one at least every ${maxDays} days and record the date and duration.`,
    evidence: { backup: j.id, lastRestoreTest: last ?? null, ...(days !== undefined ? { daysSinceTest: days } : {}), maxDaysSinceTest: maxDays },
  });
}

function rto(g: Governance, j: BackupJob, raise: RaiseReason[]): FindingDraft | undefined {
  const target = objective(g, j, 'rtoHours');
  if (!target || j.lastRestoreTest === undefined || j.restoreTestHours === undefined || j.restoreTestHours <= target.hours) return undefined;
  return g.draft({
    control: C.rto, tenant: j.tenant, subject: jobSubject(j), raise,
    title: `${j.name}: last restore took ${j.restoreTestHours} h, over the ${target.hours} h RTO`,
    detail:
      `The restore test of "${j.name}" on ${dateOf(j.lastRestoreTest)} took ${j.restoreTestHours} h, longer than the ${target.hours} h recovery-time ` +
      'objective. Speed the restore up (local copy, instant recovery, more bandwidth) or agree a realistic RTO.',
    evidence: {
      backup: j.id, restoreTestHours: j.restoreTestHours, rtoHours: target.hours, rtoFrom: target.from,
      lastRestoreTest: j.lastRestoreTest, overByHours: round1(j.restoreTestHours - target.hours),
    },
  });
}

/**
 * A job without an isolated copy (or without separately held keys) is a finding
 * only for the assets no other job protects that way: the offsite immutable job
 * of a server covers the nightly job of the same server. A job that lists no
 * assets cannot be vouched for by another job.
 */
function copyGap(
  g: Governance, j: BackupJob, raise: RaiseReason[], jobsByAsset: ReadonlyMap<string, BackupJob[]>, what: 'isolated' | 'keys',
): FindingDraft | undefined {
  const has = what === 'isolated' ? isolated : (x: BackupJob) => x.keysSeparate;
  if (has(j)) return undefined;
  const exposed = j.assets.filter((a) => !(jobsByAsset.get(a) ?? []).some(has)).sort();
  if (j.assets.length > 0 && exposed.length === 0) return undefined;
  const which = j.assets.length ? `${exposed.length} of its ${j.assets.length} asset(s)` : 'its data';
  if (what === 'isolated') {
    return g.draft({
      control: C.isolatedCopy, tenant: j.tenant, subject: jobSubject(j), raise,
      title: `${j.name}: no immutable, offline or isolated copy`,
      detail:
        `"${j.name}" is neither immutable, offline nor isolated, and no other job keeps such a copy of ${which}. ` +
        'Ransomware operators delete reachable backups first; add an immutable or offline copy.',
      evidence: { backup: j.id, immutable: j.immutable, offline: j.offline, isolated: j.isolated, assetsWithoutIsolatedCopy: exposed },
    });
  }
  return g.draft({
    control: C.separateKeys, tenant: j.tenant, subject: jobSubject(j), raise,
    title: `${j.name}: backup keys are not held separately`,
    detail:
      `The keys of "${j.name}" are kept with the systems it protects, and no other job with separately held keys covers ${which}. ` +
      'Losing production would lose the means to restore; keep the keys (or a sealed copy) apart.',
    evidence: { backup: j.id, keysSeparate: false, assetsWithoutSeparateKeys: exposed },
  });
}

/** Important servers (high or critical) that no backup job protects. */
function coverage(g: Governance, jobsByAsset: ReadonlyMap<string, BackupJob[]>): FindingDraft[] {
  return g.model.asset
    .filter((a) => isServer(a) && MUST_BACK_UP.has(a.criticality) && !jobsByAsset.has(a.id))
    .map((a) =>
      g.draft({
        control: C.coverage, tenant: a.tenant, subject: { kind: 'asset', id: a.id, name: a.name },
        title: `${a.name}: ${a.criticality}-criticality server in no backup job`,
        detail: `The ${a.criticality}-criticality server "${a.name}" is not listed in any backup job. Add it to one, or record the job that already protects it.`,
        evidence: { asset: a.id, criticality: a.criticality, ...(a.os ? { os: a.os } : {}), backupJobs: 0 },
      }),
    );
}
