/** What the findings of the vulns engine share: their controls, dates and the asset fields they show. */
import { assertKnownControls } from '../../catalog/catalog.js';
import type { Asset, Duty } from '../../core/index.js';
import type { Model } from '../engine.js';
import type { VulnFeeds } from './feeds.js';

/** The controls the vulns engine names. */
export const VULN_CONTROLS = {
  kev: 'hg.ctl.prevent.kev-devices',
  epss: 'hg.ctl.updates.epss-priority',
  endOfLife: 'hg.ctl.obsolete.end-of-life',
  kevDueDates: 'hg.ctl.updates.kev-due-dates',
  hubToolsFirst: 'hg.ctl.updates.hub-tools-first',
  endOfLifeReplacement: 'hg.ctl.updates.end-of-life-replacement',
} as const;
assertKnownControls(Object.values(VULN_CONTROLS), 'vulns engine');

const DAY_MS = 86_400_000;

/** YYYY-MM-DD of an instant (UTC). */
export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** The instant `n` days after `d`. */
export const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * DAY_MS);

/** Midnight UTC of a YYYY-MM-DD day or the instant of a timestamp. */
export const dayStart = (s: string): Date => new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);

/** Whole days from `from` to `to` (negative when `to` is earlier), counted between UTC days. */
export const daysBetween = (from: Date, to: Date): number =>
  Math.round((dayStart(isoDay(to)).getTime() - dayStart(isoDay(from)).getTime()) / DAY_MS);

/** The asset's first address and host name (its name when it has none), as every finding shows them. */
export const hostOf = (a: Asset) => ({ address: a.addresses[0] ?? null, host: a.hostnames[0] ?? a.name });

/** The feed dates every finding carries, so a stale catalog is visible on the finding itself. */
export const feedDates = (feeds: VulnFeeds) => ({
  kevCatalog: feeds.dates.kev ? { version: feeds.dates.kev.version, date: feeds.dates.kev.date } : null,
  epssDate: feeds.dates.epss?.date ?? null,
  nvdDate: feeds.dates.nvd?.date ?? null,
});

/** Is the asset one of the MSP's own tools: an `msp-tool`, or an asset with a `toolKind`, held in an MSP tenant? */
export const isMspTool = (asset: Asset, model: Model): boolean =>
  (asset.kind === 'msp-tool' || asset.toolKind !== undefined) && model.organization.find((o) => o.id === asset.tenant)?.kind === 'msp';

/** Whose duty a finding on the asset is: the MSP's for its own tools, else shared. */
export const dutyOf = (asset: Asset, model: Model): Duty =>
  asset.kind === 'msp-tool' && model.organization.find((o) => o.id === asset.tenant)?.kind !== 'customer' ? 'msp' : 'shared';

/** "FortiOS 7.4.2" (product or OS, and version) for titles. */
export const productLabel = (asset: Asset): string => [asset.product ?? asset.os, asset.version].filter(Boolean).join(' ') || 'a product';
