/**
 * The twelve areas of CISA AA22-131A (plus its immediate actions, area 0).
 * A control id is `hg.ctl.<area slug>.<name>`, so the area of any finding can be
 * read from its control id alone.
 */
export const AREAS = [
  { n: 0, slug: 'immediate', title: 'Immediate actions' },
  { n: 1, slug: 'prevent', title: 'Prevent initial compromise' },
  { n: 2, slug: 'logging', title: 'Monitoring and logging' },
  { n: 3, slug: 'mfa', title: 'Multifactor authentication' },
  { n: 4, slug: 'segregation', title: 'Segregation of networks and customers' },
  { n: 5, slug: 'privilege', title: 'Least privilege' },
  { n: 6, slug: 'obsolete', title: 'Obsolete accounts and infrastructure' },
  { n: 7, slug: 'updates', title: 'Updates and known-exploited vulnerabilities' },
  { n: 8, slug: 'backups', title: 'Backups' },
  { n: 9, slug: 'ir', title: 'Incident response and recovery' },
  { n: 10, slug: 'supply-chain', title: 'Supply chain risk' },
  { n: 11, slug: 'transparency', title: 'Transparency and contracts' },
  { n: 12, slug: 'authn', title: 'Authentication and authorization' },
] as const;
export type AreaSlug = (typeof AREAS)[number]['slug'];

/** Finds an area by number (`3`) or slug (`mfa`). */
export function findArea(q: string | number) {
  const s = String(q).trim().toLowerCase();
  return AREAS.find((a) => String(a.n) === s || a.slug === s);
}

/** The area slug of a control id (`hg.ctl.mfa.msp-accounts` → `mfa`). */
export const areaOfControl = (controlId: string): string => controlId.split('.')[2] ?? '';
