import type { Finding, Suppression } from '../core/index.js';

/** Whether a suppression is in force at `now` and covers the given tenant, control, subject and CVE. */
export function suppressionCovers(
  s: Suppression,
  now: Date,
  what: { tenant: string; control?: string; subject?: string; cve?: string },
): boolean {
  if (Date.parse(s.expires) <= now.getTime() || s.tenant !== what.tenant) return false;
  if (s.control !== undefined && s.control !== what.control) return false;
  if (s.subject !== undefined && s.subject !== what.subject) return false;
  if (s.cve !== undefined && s.cve !== what.cve) return false;
  return true;
}

/**
 * Marks the findings an active suppression covers as `suppressed`, keeping the
 * reason, expiry and suppression id in their evidence. Suppressions naming a
 * CVE are applied by the vulnerability engine itself (one finding lists several
 * CVEs), so here they only cover findings whose evidence names that one CVE.
 */
export function applySuppressions(findings: Finding[], suppressions: readonly Suppression[], now: Date): Finding[] {
  if (!suppressions.length) return findings;
  return findings.map((f) => {
    const cve = typeof f.evidence.cve === 'string' && !Array.isArray(f.evidence.cves) ? f.evidence.cve : undefined;
    const s = suppressions.find((x) => suppressionCovers(x, now, { tenant: f.tenant, control: f.control, subject: f.subject.id, cve }));
    if (!s) return f;
    return { ...f, status: 'suppressed', evidence: { ...f.evidence, suppression: { id: s.id, reason: s.reason, expires: s.expires, by: s.by ?? null } } };
  });
}
