/**
 * End-of-life findings of the vulns engine. An asset's end of life is its own `endOfLife` field,
 * else the date the built-in lifecycle catalog gives its product (see lifecycle.ts):
 * - `hg.ctl.obsolete.end-of-life`: the date has passed;
 * - `hg.ctl.updates.end-of-life-replacement`: the date falls within the control's `leadDays` and
 *   the asset has no `replacementPlanned` date, one after its end of life, or one already passed
 *   while the asset is still in the inventory.
 * A catalog date met through a scanned service's product names that service in `lifecycle.services`.
 */
import { control, controlDefault } from '../../catalog/catalog.js';
import type { LifecycleCatalog } from '../../catalog/lifecycle.js';
import type { Asset, ExposedService } from '../../core/index.js';
import type { FindingDraft, Model } from '../engine.js';
import { daysBetween, dutyOf, feedDates, hostOf, isoDay, productLabel, VULN_CONTROLS } from './common.js';
import type { VulnFeeds } from './feeds.js';
import { endOfLifeOf, lifecycleMatcher, type EndOfLife } from './lifecycle.js';
import { serviceProvenance, servicesOfAssets } from './services.js';

/** Why an approaching end of life has no adequate replacement plan. */
export type ReplacementGap = 'none' | 'after-end-of-life' | 'plan-passed';

/** The replacement gap of an asset whose end of life is `eol`, or undefined when its plan is in time. */
export function replacementGap(asset: Asset, eol: Date, now: Date): ReplacementGap | undefined {
  if (!asset.replacementPlanned) return 'none';
  const plan = new Date(asset.replacementPlanned);
  if (plan.getTime() > eol.getTime()) return 'after-end-of-life';
  if (plan.getTime() < now.getTime()) return 'plan-passed';
  return undefined;
}

const GAP_TEXT: Readonly<Record<ReplacementGap, string>> = {
  none: 'no replacement or isolation is planned',
  'after-end-of-life': 'its planned replacement comes after support ends',
  'plan-passed': 'its planned replacement date has passed and it is still in the inventory',
};

/** Where the date came from, as the evidence shows it; `services` are the scanned services that show the product met. */
function sourceEvidence(eol: EndOfLife, catalog: LifecycleCatalog, services: readonly ExposedService[]) {
  const seenOn = eol.product && services.length > 0 ? serviceProvenance(services)(eol.product) : [];
  return {
    endOfLife: eol.date,
    endOfLifeSource: eol.source,
    lifecycle: eol.entry
      ? { catalogVersion: catalog.version, catalogDate: catalog.date, entry: eol.entry.id, name: eol.entry.name, reference: eol.entry.reference, matchedAs: eol.matchedAs ?? null, services: seenOn }
      : null,
  };
}

const sourceText = (eol: EndOfLife, catalog: LifecycleCatalog): string =>
  eol.entry ? `End of life from the lifecycle catalog ${catalog.version}: ${eol.entry.name} (${eol.entry.reference}).` : "End of life from the asset's own record.";

/** End-of-life and replacement-planning findings: one per asset and control. */
export function endOfLifeFindings(model: Model, feeds: VulnFeeds, now: Date, catalog: LifecycleCatalog, internetExposed: (a: Asset) => boolean): FindingDraft[] {
  const lookup = lifecycleMatcher(catalog);
  const servicesOf = servicesOfAssets(model.service);
  const leadDays = controlDefault(VULN_CONTROLS.endOfLifeReplacement, 'leadDays');
  const dates = feedDates(feeds);
  const out: FindingDraft[] = [];
  for (const asset of model.asset) {
    const services = asset.endOfLife ? [] : servicesOf(asset);
    const eol = endOfLifeOf(asset, lookup, services);
    if (!eol) continue;
    const at = new Date(eol.date);
    // A scanned host names no product of its own: the catalog entry its service met says what it runs.
    const label = asset.product ?? asset.os ? productLabel(asset) : eol.entry?.name ?? productLabel(asset);
    const exposed = internetExposed(asset);
    const base = {
      ...hostOf(asset),
      assetName: asset.name,
      vendor: asset.vendor ?? null,
      product: asset.product ?? asset.os ?? null,
      version: asset.version ?? null,
      ...sourceEvidence(eol, catalog, services),
      replacementPlanned: asset.replacementPlanned ?? null,
      internetExposed: exposed,
      ...dates,
    };
    const subject = { kind: 'asset', id: asset.id, name: asset.name };
    if (at.getTime() < now.getTime()) {
      out.push({
        tenant: asset.tenant,
        control: VULN_CONTROLS.endOfLife,
        severity: exposed || asset.kind === 'msp-tool' ? 'high' : 'medium',
        duty: dutyOf(asset, model),
        title: `${asset.name} runs ${label} past its end of life (${isoDay(at)})`,
        detail: `No more security updates: replace or upgrade it, or isolate it until then. ${sourceText(eol, catalog)}`,
        subject,
        evidence: base,
      });
      continue;
    }
    const daysLeft = daysBetween(now, at);
    const gap = daysLeft <= leadDays ? replacementGap(asset, at, now) : undefined;
    if (!gap) continue;
    out.push({
      tenant: asset.tenant,
      control: VULN_CONTROLS.endOfLifeReplacement,
      severity: control(VULN_CONTROLS.endOfLifeReplacement).severity,
      duty: dutyOf(asset, model),
      title: `${asset.name} runs ${label}, out of support in ${daysLeft} day(s) (${isoDay(at)}), and ${GAP_TEXT[gap]}`,
      detail: `Plan its replacement or isolation before ${isoDay(at)} and record the date as the asset's replacementPlanned. ${sourceText(eol, catalog)}`,
      subject,
      evidence: { ...base, daysLeft, leadDays, gap },
    });
  }
  return out;
}
