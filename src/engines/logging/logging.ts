import { assertKnownControls } from '../../catalog/catalog.js';
import type { Asset, LogSource, ToolKind } from '../../core/index.js';
import { Governance, sortDrafts, tuning, type EngineSettings } from '../agreements/context.js';
import type { Engine, FindingDraft, Model } from '../engine.js';

/** The catalog controls of area 2 this engine checks. */
export const LOGGING_CONTROLS = {
  retention: 'hg.ctl.logging.retention',
  mspInfrastructure: 'hg.ctl.logging.msp-infrastructure',
  customerVisibility: 'hg.ctl.logging.customer-visibility',
  sourceInventory: 'hg.ctl.logging.source-inventory',
  centralized: 'hg.ctl.logging.centralized',
} as const;
const C = LOGGING_CONTROLS;
assertKnownControls(Object.values(C), 'logging engine');

type LogKind = LogSource['kind'];

/**
 * Log kinds that hold the evidence an investigation of an MSP compromise needs
 * (who signed in, what changed, who came in through which tool). These are the
 * "most important logs" the retention and centralization checks apply to; any
 * source marked as logging MSP delivery infrastructure counts too.
 */
export const IMPORTANT_LOG_KINDS: ReadonlySet<LogKind> = new Set<LogKind>([
  'authentication', 'directory-audit', 'cloud-audit', 'rmm', 'remote-access', 'vpn', 'firewall', 'edr',
]);

/** Tool kinds of MSP delivery infrastructure that must be logged (the list of hg.ctl.logging.msp-infrastructure). */
export const DELIVERY_TOOL_KINDS: ReadonlySet<ToolKind> = new Set<ToolKind>(['rmm', 'remote-access', 'vpn', 'password-vault', 'backup-console']);

/** Audit kinds of which a customer's inventory must hold at least one, beside an authentication log. */
const AUDIT_KINDS: ReadonlySet<LogKind> = new Set<LogKind>(['directory-audit', 'cloud-audit']);

/** Whether an asset is an MSP delivery tool that hg.ctl.logging.msp-infrastructure requires logged. */
export const isDeliveryTool = (a: Asset): boolean => a.kind === 'msp-tool' && a.toolKind !== undefined && DELIVERY_TOOL_KINDS.has(a.toolKind);

const isImportant = (s: LogSource) => IMPORTANT_LOG_KINDS.has(s.kind) || s.mspInfrastructure;
const sourceSubject = (s: LogSource) => ({ kind: 'logSource', id: s.id, name: s.name });
const hub = (s: LogSource) => (s.mspInfrastructure ? (['msp-infrastructure'] as const) : []);

/**
 * The logging engine (area 2): retention of important logs, logging of MSP
 * delivery tools, customers' view of MSP activity, each customer's source
 * inventory, and central collection. `settings` overrides catalog defaults.
 */
export function createLoggingEngine(settings: EngineSettings = {}): Engine {
  const t = tuning(Object.values(C), settings);
  const minRetentionDays = t.num(C.retention, 'retentionDays');
  return {
    name: 'logging',
    controls: Object.values(C),
    run(model, ctx) {
      const g = new Governance(model, ctx.now);
      return sortDrafts([
        ...retention(g, minRetentionDays),
        ...centralized(g),
        ...mspInfrastructure(g),
        ...customerVisibility(g),
        ...sourceInventory(g),
      ]);
    },
  };
}

/** The logging engine with the catalog's defaults. */
export const loggingEngine: Engine = createLoggingEngine();

function retention(g: Governance, minDays: number): FindingDraft[] {
  return g.model.logSource
    .filter((s) => isImportant(s) && s.retentionDays < minDays)
    .map((s) =>
      g.draft({
        control: C.retention, tenant: s.tenant, subject: sourceSubject(s), raise: [...hub(s)],
        title: `${s.name}: kept ${s.retentionDays} days, less than ${minDays}`,
        detail:
          `The ${s.kind} log source "${s.name}" keeps ${s.retentionDays} days of records; at least ${minDays} are needed ` +
          'to investigate an intrusion found months later. Raise its retention, or forward it to a store that keeps it longer.',
        evidence: {
          logSource: s.id, kind: s.kind, retentionDays: s.retentionDays, requiredDays: minDays,
          shortByDays: minDays - s.retentionDays, mspInfrastructure: s.mspInfrastructure, ...(s.asset ? { asset: s.asset } : {}),
        },
      }),
    );
}

function centralized(g: Governance): FindingDraft[] {
  return g.model.logSource
    .filter((s) => isImportant(s) && !s.centralized)
    .map((s) =>
      g.draft({
        control: C.centralized, tenant: s.tenant, subject: sourceSubject(s), raise: [...hub(s)],
        title: `${s.name}: not collected centrally`,
        detail:
          `The ${s.kind} log source "${s.name}" stays on the system that writes it: an intruder who takes that system can erase it, ` +
          'and it cannot be searched with the rest. Ship it to the central log store or SIEM.',
        evidence: { logSource: s.id, kind: s.kind, centralized: false, retentionDays: s.retentionDays, ...(s.asset ? { asset: s.asset } : {}) },
      }),
    );
}

/** Which tenants each MSP tool reaches, from the grants that run through it or are held by it. */
function toolReach(model: Model): Map<string, Set<string>> {
  const reach = new Map<string, Set<string>>();
  const add = (tool: string, tenant: string) => reach.set(tool, (reach.get(tool) ?? new Set()).add(tenant));
  for (const gr of model.grant) {
    if (gr.tool) add(gr.tool, gr.tenant);
    if (gr.principalKind === 'tool') add(gr.principal, gr.tenant);
  }
  return reach;
}

function mspInfrastructure(g: Governance): FindingDraft[] {
  const logged = new Set(g.model.logSource.flatMap((s) => (s.asset ? [s.asset] : [])));
  const reach = toolReach(g.model);
  return g.model.asset
    .filter((tool) => isDeliveryTool(tool) && !logged.has(tool.id))
    .map((tool) => {
      // Sources that may log the tool but name no asset: worth linking rather than creating anew.
      const unlinked = g.model.logSource.filter((s) => s.tenant === tool.tenant && s.mspInfrastructure && !s.asset).map((s) => s.id).sort();
      const customers = [...(reach.get(tool.id) ?? [])].filter((tn) => tn !== tool.tenant).sort();
      return g.draft({
        control: C.mspInfrastructure, tenant: tool.tenant, subject: { kind: 'asset', id: tool.id, name: tool.name },
        title: `${tool.name}: no log source records its use`,
        detail:
          `No log source records what is done through the ${tool.toolKind} tool "${tool.name}"` +
          (customers.length ? `, which reaches ${customers.length} customer(s)` : '') +
          '. Collect its audit log (sessions, scripts, logins) and link the log source to the tool.',
        evidence: {
          asset: tool.id, toolKind: tool.toolKind, ...(tool.product ? { product: tool.product } : {}),
          customersReached: customers.length, ...(tool.managedEndpoints !== undefined ? { managedEndpoints: tool.managedEndpoints } : {}),
          ...(unlinked.length ? { unlinkedMspSources: unlinked } : {}),
        },
      });
    });
}

/**
 * Logs of MSP activity a customer cannot read. A source in a customer's own
 * tenant must be readable by that customer. A source in the MSP's tenant holds
 * every customer's activity, so it need not be opened to customers as long as
 * each customer the tool reaches has its own readable copy (a log source linked
 * to the same tool in its tenant); otherwise it is a finding naming the
 * customers left blind.
 */
function customerVisibility(g: Governance): FindingDraft[] {
  const reach = toolReach(g.model);
  const visibleCopies = new Map<string, Set<string>>();
  for (const s of g.model.logSource) {
    if (s.asset && s.customerVisible) visibleCopies.set(s.asset, (visibleCopies.get(s.asset) ?? new Set()).add(s.tenant));
  }
  const out: FindingDraft[] = [];
  for (const s of g.model.logSource) {
    if (!s.mspInfrastructure || s.customerVisible) continue;
    const own = g.org(s.tenant)?.kind === 'customer';
    let blind: string[] = [];
    if (!own) {
      const copies = s.asset ? (visibleCopies.get(s.asset) ?? new Set<string>()) : new Set<string>();
      const reached = [...(s.asset ? (reach.get(s.asset) ?? []) : [])].filter((tn) => g.org(tn)?.kind === 'customer');
      blind = reached.filter((tn) => !copies.has(tn)).sort();
      if (reached.length > 0 ? blind.length === 0 : copies.size > 0) continue;
    }
    out.push(
      g.draft({
        control: C.customerVisibility, tenant: s.tenant, subject: sourceSubject(s),
        title: own ? `${s.name}: ${g.orgName(s.tenant)} cannot read this log of MSP activity` : `${s.name}: customers cannot see this MSP activity`,
        detail: own
          ? `"${s.name}" records what the MSP does in ${g.orgName(s.tenant)}, but the customer cannot read it. Give the customer access or a regular export.`
          : `"${s.name}" records MSP activity, and ` +
            (blind.length ? `${blind.length} customer(s) it reaches have` : 'no customer has') +
            ' no readable copy of it. Give each customer its own view of the activity in its environment.',
        evidence: {
          logSource: s.id, kind: s.kind, customerVisible: false, ...(s.asset ? { asset: s.asset } : {}),
          ...(own ? {} : { customersWithoutView: blind }),
        },
      }),
    );
  }
  return out;
}

/** Each customer records at least an authentication log and a directory or cloud audit log. */
function sourceInventory(g: Governance): FindingDraft[] {
  const byTenant = new Map<string, LogSource[]>();
  for (const s of g.model.logSource) byTenant.set(s.tenant, [...(byTenant.get(s.tenant) ?? []), s]);
  const out: FindingDraft[] = [];
  for (const org of g.customers()) {
    const sources = byTenant.get(org.id) ?? [];
    const missing: string[] = [];
    if (!sources.some((s) => s.kind === 'authentication')) missing.push('authentication');
    if (!sources.some((s) => AUDIT_KINDS.has(s.kind))) missing.push('directory-audit or cloud-audit');
    if (missing.length === 0) continue;
    out.push(
      g.draft({
        control: C.sourceInventory, tenant: org.id, subject: { kind: 'organization', id: org.id, name: org.name },
        title: sources.length ? `${org.name} has no ${missing.join(' and no ')} log source` : `${org.name} has no log sources recorded`,
        detail:
          `The log inventory of ${org.name} lists ${sources.length} source(s) and lacks ${missing.join(' and ')}. ` +
          'Without sign-in and audit logs nobody can tell what an MSP account or an intruder did there. Record (or start collecting) them.',
        evidence: { sources: sources.length, kinds: [...new Set(sources.map((s) => s.kind))].sort(), missing },
      }),
    );
  }
  return out;
}
