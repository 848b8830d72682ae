import { privilegeRank, type AccessGrant, type Agreement } from '../../core/index.js';
import type { FindingDraft } from '../engine.js';
import { DAY_MS, type AccessContext } from './context.js';
import { NF_MSP } from './graph.js';

/**
 * Grant and tenant rules: standing Global Admin, legacy DAP, GDAP hygiene,
 * unused and expired grants, access that outlived its agreement, and the
 * number of Global Admins per customer tenant. A finding about access into a
 * customer is filed in that customer's tenant.
 */

const GA = privilegeRank('global-admin');

/** The principal's node: an identity, a group, or a tool (an asset). */
function principalNode(cx: AccessContext, gr: AccessGrant): number | undefined {
  return cx.g.lookup(gr.principalKind === 'group' ? 'group' : gr.principalKind === 'tool' ? 'asset' : 'identity', gr.principal);
}

function principalName(cx: AccessContext, gr: AccessGrant): string {
  const v = principalNode(cx, gr);
  return v === undefined ? gr.principal : cx.g.name[v]!;
}

function targetName(cx: AccessContext, gr: AccessGrant): string {
  const v = cx.g.lookup(gr.targetKind === 'asset' ? 'asset' : 'organization', gr.target);
  return v === undefined ? gr.target : cx.g.name[v]!;
}

/** The grant as a path: principal → role (when there is one) → target. */
function grantPath(cx: AccessContext, gr: AccessGrant): string[] {
  const role = gr.role ? cx.roles.get(gr.role) : undefined;
  const target = targetName(cx, gr);
  return [principalName(cx, gr), ...(role ? [`${role.name} @ ${target}`] : []), target];
}

const expired = (cx: AccessContext, gr: AccessGrant) => gr.expiresAt !== undefined && !gr.autoExtend && Date.parse(gr.expiresAt) < cx.nowMs;

/** Whether the grant's principal belongs to an MSP. */
function fromMsp(cx: AccessContext, gr: AccessGrant): boolean {
  const v = principalNode(cx, gr);
  return v !== undefined && (cx.g.nodeFlags[v]! & NF_MSP) !== 0;
}

/** Runs every grant and tenant rule. */
export function grantFindings(cx: AccessContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  const maxDays = cx.num('hg.ctl.privilege.gdap-duration', 'maxDays');
  const unusedDays = cx.num('hg.ctl.obsolete.unused-grants', 'unusedDays');
  for (const gr of cx.model.grant) {
    const into = gr.tenant;
    const customer = !cx.isMspOrg(into);
    const msp = fromMsp(cx, gr);
    const v = principalNode(cx, gr);
    const reach = msp && v !== undefined ? cx.reach(v) : undefined;
    const why = { hubWide: reach?.hubWide, critical: cx.isCritical(into) };
    const path = grantPath(cx, gr);
    const rank = privilegeRank(gr.privilege);
    const members = gr.principalKind === 'group' ? [...cx.identitiesIn(gr.principal)] : [];
    const ev = {
      grant: gr.id, path, privilege: gr.privilege, mode: gr.via === 'dap' ? 'standing' : gr.mode, via: gr.via,
      ...(gr.role ? { role: gr.role } : {}),
      ...(members.length ? { members: members.length, memberSample: members.slice(0, 10) } : {}),
      ...(reach ? { principalReachesCustomers: reach.customers } : {}),
    };
    const base = { tenant: into, subject: { kind: 'grant', id: gr.id, name: path.join(' → ') } };
    const live = !expired(cx, gr);
    const where = cx.orgName(into);

    if (live && customer && msp && gr.via !== 'dap' && gr.mode === 'standing' && gr.privilege === 'global-admin') {
      out.push(cx.draft('hg.ctl.privilege.standing-global-admin', {
        ...base,
        title: `${principalName(cx, gr)} holds standing Global Admin at ${where}`,
        detail: 'MSP principals should activate Global Admin just in time, for a bounded time, instead of holding it permanently.',
        evidence: ev,
      }, why));
    }
    if (live && gr.via === 'dap') {
      out.push(cx.draft('hg.ctl.privilege.legacy-dap', {
        ...base,
        title: `Legacy DAP relationship still gives ${principalName(cx, gr)} ${gr.privilege} at ${where}`,
        detail: 'Delegated admin (DAP) confers Global Admin on every partner agent; replace it with granular delegated admin (GDAP) roles and remove it.',
        evidence: ev,
      }, why));
    }
    if (live && gr.via === 'gdap' && rank >= GA) {
      out.push(cx.draft('hg.ctl.privilege.gdap-global-admin', {
        ...base,
        title: `GDAP relationship gives ${principalName(cx, gr)} Global Admin at ${where}${gr.mode === 'jit' ? ' (just in time)' : ''}`,
        detail: 'GDAP relationships should carry the narrowest roles that cover the services delivered, never Global Administrator.',
        evidence: ev,
      }, { ...why, lower: gr.mode === 'jit' ? 1 : 0 }));
      if (gr.autoExtend) {
        out.push(cx.draft('hg.ctl.privilege.gdap-auto-extend', {
          ...base,
          title: `GDAP relationship with Global Admin at ${where} auto-extends`,
          detail: 'Microsoft does not allow auto-extension with Global Administrator: such a relationship never ends on its own.',
          evidence: { ...ev, autoExtend: true, ...(gr.expiresAt ? { expiresAt: gr.expiresAt } : {}) },
        }, why));
      }
    }
    if (gr.via === 'gdap' && gr.grantedAt && gr.expiresAt) {
      const days = Math.floor((Date.parse(gr.expiresAt) - Date.parse(gr.grantedAt)) / DAY_MS);
      if (days > maxDays) {
        out.push(cx.draft('hg.ctl.privilege.gdap-duration', {
          ...base,
          title: `GDAP relationship at ${where} runs ${days} days (limit ${maxDays})`,
          detail: 'A GDAP relationship lasts at most two years; renew it deliberately rather than for longer.',
          evidence: { ...ev, grantedAt: gr.grantedAt, expiresAt: gr.expiresAt, days, maxDays },
        }, why));
      }
    }
    if (customer && msp) {
      const unused = unusedGrant(cx, gr, unusedDays);
      if (unused) {
        out.push(cx.draft('hg.ctl.obsolete.unused-grants', {
          ...base,
          title: `${unused.what}: ${principalName(cx, gr)} → ${where}`,
          detail: `Access into a customer that has expired or gone unused for more than ${unusedDays} days should be revoked.`,
          evidence: { ...ev, ...unused.evidence },
        }, why));
      }
    }
  }
  out.push(...endedAgreements(cx), ...globalAdminCounts(cx));
  return out;
}

/** Why a grant counts as unused or expired, if it does. */
function unusedGrant(cx: AccessContext, gr: AccessGrant, unusedDays: number): { what: string; evidence: Record<string, unknown> } | undefined {
  if (expired(cx, gr)) return { what: `Expired ${gr.via.toUpperCase()} access still listed`, evidence: { expiresAt: gr.expiresAt } };
  if (gr.lastUsed) {
    const days = Math.floor((cx.nowMs - Date.parse(gr.lastUsed)) / DAY_MS);
    return days > unusedDays ? { what: `Unused for ${days} days`, evidence: { lastUsed: gr.lastUsed, daysUnused: days, unusedDays } } : undefined;
  }
  if (gr.grantedAt) {
    const days = Math.floor((cx.nowMs - Date.parse(gr.grantedAt)) / DAY_MS);
    return days > unusedDays ? { what: `Never used in ${days} days`, evidence: { grantedAt: gr.grantedAt, daysUnused: days, unusedDays } } : undefined;
  }
  return undefined;
}

/** Agreements that ended (beyond the grace period) while the MSP still holds standing access into the customer. */
function endedAgreements(cx: AccessContext): FindingDraft[] {
  const grace = cx.num('hg.ctl.obsolete.ended-agreements', 'graceDays') * DAY_MS;
  const current = (a: Agreement) => (!a.start || Date.parse(a.start) <= cx.nowMs) && (!a.end || Date.parse(a.end) + grace >= cx.nowMs);
  const out: FindingDraft[] = [];
  for (const a of cx.model.agreement) {
    if (!a.end || Date.parse(a.end) + grace >= cx.nowMs) continue;
    if ((cx.agreementsOf.get(a.tenant) ?? []).some((b) => b !== a && b.msp === a.msp && current(b))) continue;
    const standing = (cx.grantsIn.get(a.tenant) ?? []).filter((gr) => {
      if (gr.tenant !== a.tenant || gr.mode !== 'standing' || expired(cx, gr)) return false;
      const v = principalNode(cx, gr);
      return v !== undefined && cx.g.tenant[v] === cx.g.lookup('organization', a.msp);
    });
    const accounts = (cx.identitiesOf.get(a.tenant) ?? []).filter((i) => i.enabled && cx.isMspAccount(i));
    if (!standing.length && !accounts.length) continue;
    const first = standing[0] ? principalNode(cx, standing[0]) : undefined;
    const ex = first === undefined ? undefined : cx.explain(first, a.tenant);
    const days = Math.floor((cx.nowMs - Date.parse(a.end)) / DAY_MS);
    out.push(cx.draft('hg.ctl.obsolete.ended-agreements', {
      tenant: a.tenant,
      subject: { kind: 'agreement', id: a.id, name: a.title },
      title: `${cx.orgName(a.msp)} keeps ${standing.length} standing grant(s) at ${cx.orgName(a.tenant)} ${days} days after the agreement ended`,
      detail: 'When an agreement ends, the MSP’s accounts, grants and tools in that customer must be removed.',
      evidence: {
        agreement: a.id, ended: a.end, daysSinceEnd: days,
        standingGrants: standing.slice(0, 50).map((gr) => gr.id),
        ...(accounts.length ? { mspAccounts: accounts.map((i) => i.id) } : {}),
        path: ex?.path ?? (standing[0] ? grantPath(cx, standing[0]) : [accounts[0]!.displayName, cx.orgName(a.tenant)]),
      },
    }, { critical: cx.isCritical(a.tenant) }));
  }
  return out;
}

/**
 * Global Admins per customer tenant: enabled identities holding Global Admin
 * standing (active) over the tenant or its cloud tenant, directly or through
 * groups at any depth, including legacy DAP. Eligible (just-in-time)
 * assignments are counted apart. Only tenants with directory data (a Global
 * Administrator role or grant) are judged.
 */
function globalAdminCounts(cx: AccessContext): FindingDraft[] {
  const min = cx.num('hg.ctl.privilege.global-admin-count', 'min');
  const max = cx.num('hg.ctl.privilege.global-admin-count', 'max');
  const cloud = new Map<string, string>(cx.model.asset.filter((x) => x.kind === 'cloud-tenant').map((x) => [x.id, x.tenant]));
  const active = new Map<string, Map<string, AccessGrant>>();
  const eligible = new Map<string, Set<string>>();
  const judged = new Set(cx.model.role.filter((r) => r.privilege === 'global-admin').map((r) => r.tenant as string));
  for (const gr of cx.model.grant) {
    if (gr.privilege !== 'global-admin' || gr.principalKind === 'tool' || expired(cx, gr)) continue;
    const tenant = gr.targetKind === 'organization' ? gr.target : cloud.get(gr.target);
    if (!tenant || cx.isMspOrg(tenant)) continue;
    judged.add(tenant);
    const ids = gr.principalKind === 'group' ? cx.identitiesIn(gr.principal) : new Set([gr.principal]);
    for (const id of ids) {
      if (!cx.identities.get(id)?.enabled) continue;
      if (gr.mode === 'jit' && gr.via !== 'dap') {
        if (!eligible.has(tenant)) eligible.set(tenant, new Set());
        eligible.get(tenant)!.add(id);
      } else {
        if (!active.has(tenant)) active.set(tenant, new Map());
        if (!active.get(tenant)!.has(id)) active.get(tenant)!.set(id, gr);
      }
    }
  }
  const out: FindingDraft[] = [];
  for (const tenant of [...judged].sort()) {
    if (!cx.orgs.has(tenant) || cx.isMspOrg(tenant)) continue;
    const holders = active.get(tenant) ?? new Map<string, AccessGrant>();
    const n = holders.size;
    if (n >= min && n <= max) continue;
    const [firstId, firstGrant] = [...holders][0] ?? [];
    const names = [...holders.keys()].map((id) => cx.identities.get(id)?.displayName ?? id);
    out.push(cx.draft('hg.ctl.privilege.global-admin-count', {
      tenant,
      subject: { kind: 'organization', id: tenant, name: cx.orgName(tenant) },
      title: `${cx.orgName(tenant)} has ${n} standing Global Admin(s) (expected ${min} to ${max})`,
      detail: n < min ? 'Too few Global Admins risks a lock-out; keep at least two, one of them a break-glass account.' : 'Too many Global Admins spreads the most powerful role; remove or make them just in time.',
      evidence: {
        count: n, min, max, holders: names.slice(0, 20), eligibleJustInTime: eligible.get(tenant)?.size ?? 0,
        ...(firstGrant && firstId ? { path: [cx.identities.get(firstId)?.displayName ?? firstId, ...grantPath(cx, firstGrant).slice(firstGrant.principalKind === 'group' ? 0 : 1)] } : {}),
      },
    }, { critical: cx.isCritical(tenant) }));
  }
  return out;
}
