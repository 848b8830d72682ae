/**
 * Deadline findings of the vulns engine, over the confirmed CVE rows of `assessVulns` (candidates,
 * KEV CVEs NVD holds no record of, never count: nothing shows the version is affected):
 * - `hg.ctl.updates.kev-due-dates`: a KEV CVE still open after its KEV due date plus the control's
 *   `graceDays`; CVEs due within {@link DUE_SOON_DAYS} days are reported ahead, as `high`.
 * - `hg.ctl.updates.hub-tools-first`: a KEV, EPSS ≥ threshold, P1 or P2 CVE on one of the MSP's
 *   own tools still open more than the control's `maxDays` after it became known (KEV dateAdded,
 *   else the NVD publication date when the feed gives it).
 */
import { control, controlDefault } from '../../catalog/catalog.js';
import type { Asset } from '../../core/index.js';
import type { FindingDraft, Model } from '../engine.js';
import { addDays, dayStart, daysBetween, dutyOf, feedDates, hostOf, isMspTool, isoDay, VULN_CONTROLS } from './common.js';
import type { VulnFeeds } from './feeds.js';
import type { VulnRow } from './vulns.js';

/** KEV CVEs due within this many days (and not yet overdue) are reported ahead of their due date. */
export const DUE_SOON_DAYS = 7;

const byAsset = (rows: readonly VulnRow[], keep: (r: VulnRow) => boolean): Map<Asset, VulnRow[]> => {
  const out = new Map<Asset, VulnRow[]>();
  for (const r of rows) {
    if (r.candidate || !keep(r)) continue;
    const list = out.get(r.asset);
    if (list) list.push(r); else out.set(r.asset, [r]);
  }
  return out;
};

const assetEvidence = (a: Asset) => ({
  ...hostOf(a),
  assetName: a.name,
  vendor: a.vendor ?? null,
  product: a.product ?? null,
  version: a.version ?? null,
});

/** KEV CVEs past (or within {@link DUE_SOON_DAYS} days of) their KEV due date plus grace: one finding per asset. */
export function kevDueFindings(model: Model, feeds: VulnFeeds, rows: readonly VulnRow[], now: Date): FindingDraft[] {
  const id = VULN_CONTROLS.kevDueDates;
  const graceDays = controlDefault(id, 'graceDays');
  const dates = feedDates(feeds);
  const out: FindingDraft[] = [];
  for (const [asset, rs] of byAsset(rows, (r) => r.kev !== undefined)) {
    const cves = rs
      .map((r) => {
        const deadline = addDays(dayStart(r.kev!.dueDate), graceDays);
        const daysLeft = daysBetween(now, deadline);
        return {
          cve: r.cve, dateAdded: r.kev!.dateAdded, dueDate: r.kev!.dueDate, graceDays, deadline: isoDay(deadline),
          overdue: daysLeft < 0, daysOverdue: Math.max(0, -daysLeft), daysLeft: Math.max(0, daysLeft),
          knownRansomwareCampaignUse: r.kev!.knownRansomwareCampaignUse, confidence: r.confidence, priority: r.priority,
        };
      })
      .filter((c) => c.overdue || c.daysLeft <= DUE_SOON_DAYS)
      .sort((a, b) => b.daysOverdue - a.daysOverdue || a.daysLeft - b.daysLeft || a.cve.localeCompare(b.cve));
    if (cves.length === 0) continue;
    const top = cves[0]!;
    const overdue = cves.filter((c) => c.overdue).length;
    out.push({
      tenant: asset.tenant,
      control: id,
      severity: top.overdue ? control(id).severity : 'high',
      duty: dutyOf(asset, model),
      title: top.overdue
        ? `${asset.name}: ${overdue} known-exploited CVE(s) past their KEV due date — ${top.cve} was due ${top.deadline}, ${top.daysOverdue} day(s) overdue`
        : `${asset.name}: ${cves.length} known-exploited CVE(s) due within ${DUE_SOON_DAYS} days — ${top.cve} due ${top.deadline}`,
      detail:
        `CISA's KEV catalog gives each known-exploited CVE a remediation due date (BOD 22-01)${graceDays > 0 ? `, here plus ${graceDays} day(s) of grace` : ''}. ` +
        `Patch or mitigate ${top.cve}${cves.length > 1 ? ` and ${cves.length - 1} more` : ''} on ${asset.name} now. Feed dates: KEV ${dates.kevCatalog?.date ?? 'none'}.`,
      subject: { kind: 'asset', id: asset.id, name: asset.name },
      evidence: {
        ...assetEvidence(asset),
        cve: top.cve,
        dateAdded: top.dateAdded,
        dueDate: top.dueDate,
        deadline: top.deadline,
        daysOverdue: top.daysOverdue,
        overdueCount: overdue,
        graceDays,
        dueSoonDays: DUE_SOON_DAYS,
        ...dates,
        cves,
      },
    });
  }
  return out;
}

/** Where the age of a vulnerability is counted from: KEV dateAdded, else NVD's publication date. */
function knownSince(r: VulnRow, published: ReadonlyMap<string, string>): { since: string; sinceSource: 'kev-date-added' | 'nvd-published' } | undefined {
  if (r.kev) return { since: r.kev.dateAdded, sinceSource: 'kev-date-added' };
  const p = published.get(r.cve);
  return p ? { since: p.slice(0, 10), sinceSource: 'nvd-published' } : undefined;
}

/**
 * Vulnerabilities on the MSP's own tools open longer than the control's `maxDays`: one finding per
 * tool, naming how many customers it reaches. A CVE whose age the feeds do not give (not in KEV,
 * NVD record without a publication date) is left out.
 */
export function hubToolFindings(model: Model, feeds: VulnFeeds, rows: readonly VulnRow[], now: Date): FindingDraft[] {
  const id = VULN_CONTROLS.hubToolsFirst;
  const maxDays = controlDefault(id, 'maxDays');
  const threshold = controlDefault(VULN_CONTROLS.epss, 'epssThreshold');
  const published = new Map<string, string>();
  for (const n of feeds.nvd) if (n.published) published.set(n.id, n.published);
  const dates = feedDates(feeds);
  const urgent = (r: VulnRow) => r.kev !== undefined || (r.epss?.epss ?? 0) >= threshold || r.priority === 'P1' || r.priority === 'P2';
  const out: FindingDraft[] = [];
  for (const [asset, rs] of byAsset(rows, (r) => isMspTool(r.asset, model) && urgent(r))) {
    const late = rs
      .flatMap((r) => {
        const k = knownSince(r, published);
        if (!k) return [];
        const daysOpen = daysBetween(dayStart(k.since), now);
        if (daysOpen <= maxDays) return [];
        const deadline = isoDay(addDays(dayStart(k.since), maxDays));
        return [{ cve: r.cve, ...k, daysOpen, deadline, daysLate: daysOpen - maxDays, kev: r.kev !== undefined, epss: r.epss?.epss ?? null, priority: r.priority, score: r.score, confidence: r.confidence }];
      })
      .sort((a, b) => b.score - a.score || b.daysLate - a.daysLate || a.cve.localeCompare(b.cve));
    if (late.length === 0) continue;
    const top = late[0]!;
    const reached = rs[0]!.factors.customersReached;
    out.push({
      tenant: asset.tenant,
      control: id,
      severity: control(id).severity,
      duty: 'msp',
      title:
        `${asset.name} (MSP tool${reached > 0 ? ` reaching ${reached} customer(s)` : ''}) has ${late.length} vulnerability(ies) open past the ${maxDays}-day deadline for MSP tools — ` +
        `${top.cve}, known since ${top.since}, ${top.daysOpen} day(s)`,
      detail:
        `The MSP's own tools open every customer they reach, so their vulnerabilities are fixed within ${maxDays} days of becoming known, ahead of customer systems. ` +
        (reached > 0 ? `${asset.name} reaches ${reached} customer(s).` : `No access grant through ${asset.name} is recorded, so the customers it reaches are not known.`) +
        ` Feed dates: KEV ${dates.kevCatalog?.date ?? 'none'}.`,
      subject: { kind: 'asset', id: asset.id, name: asset.name },
      evidence: {
        ...assetEvidence(asset),
        toolKind: asset.toolKind ?? null,
        customersReached: reached,
        maxDays,
        cve: top.cve,
        since: top.since,
        sinceSource: top.sinceSource,
        deadline: top.deadline,
        daysLate: top.daysLate,
        ...dates,
        cves: late,
      },
    });
  }
  return out;
}
