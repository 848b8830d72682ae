import { mfaStrength, privilegeRank, type Identity } from '../../core/index.js';
import type { FindingDraft } from '../engine.js';
import { DAY_MS, HUB_WIDE_SHARE, type AccessContext } from './context.js';
import { E_MEMBER, NF_MSP, privilegeName } from './graph.js';

/**
 * Account rules: MFA, stale and departed accounts, shared accounts, reused
 * credentials and MSP accounts inside customer admin groups. An MSP account's
 * own weakness is one finding in its own tenant, with its radius (customers
 * reached and the path of highest privilege) in evidence.
 */

const HOUR_MS = 3_600_000;

/**
 * Radius evidence of an identity: customers reached, highest privilege, and the
 * path that explains it (an account that reaches no customer: the account and
 * the tenant it lives in).
 */
function radiusEvidence(cx: AccessContext, v: number): Record<string, unknown> {
  const r = cx.reach(v);
  const ex = r.customers > 0 ? cx.explain(v) : undefined;
  return {
    customersReached: r.customers,
    ...(r.maxPrivilege ? { maxPrivilege: r.maxPrivilege } : {}),
    path: ex ? ex.path : [cx.g.name[v]!, cx.orgName(cx.g.key[cx.g.tenant[v]!] ?? '')],
    ...(ex ? { pathCustomer: ex.customer } : {}),
  };
}

/**
 * Highest privilege an identity holds through its own grants and the groups it
 * is in (at any depth), without crossing tools: what makes it "privileged".
 */
export function heldRank(cx: AccessContext, v: number): number {
  const g = cx.g;
  let best = -1;
  const seen = new Set([v]);
  const stack = [v];
  while (stack.length) {
    const u = stack.pop()!;
    for (let e = g.offsets[u]!; e < g.offsets[u + 1]!; e++) {
      const t = g.target[e]!;
      if (g.edgeKind[e] === E_MEMBER) {
        if (!seen.has(t)) {
          seen.add(t);
          stack.push(t);
        }
      } else {
        best = Math.max(best, g.priv[e]!);
      }
    }
  }
  return best;
}

const subjectOf = (i: Identity) => ({ kind: 'identity', id: i.id, name: i.displayName });

/** Runs every account rule. */
export function accountFindings(cx: AccessContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  const staleDays = cx.num('hg.ctl.obsolete.stale-accounts', 'staleDays');
  const maxHours = cx.num('hg.ctl.obsolete.departed-technicians', 'maxHoursAfterDeparture');
  for (const i of cx.model.identity) {
    if (!i.enabled) continue;
    const v = cx.g.lookup('identity', i.id);
    if (v === undefined) continue;
    const msp = cx.isMspAccount(i);
    const reach = msp ? cx.reach(v) : undefined;
    const why = { hubWide: reach?.hubWide, critical: reach?.critical || (!cx.isMspOrg(i.tenant) && cx.isCritical(i.tenant)) };
    const base = { tenant: i.tenant, subject: subjectOf(i) };

    if (msp && i.mfa.length === 0 && reach!.customers > 0) {
      out.push(cx.draft('hg.ctl.mfa.msp-accounts', {
        ...base,
        title: `MSP account ${i.displayName} has no MFA and reaches ${reach!.customers} customer(s)`,
        detail: 'A stolen or sprayed password alone opens every customer in this radius.',
        evidence: { ...radiusEvidence(cx, v), mfa: [] },
      }, why));
    }

    const weak = i.mfa.filter((m) => mfaStrength(m) === 'weak');
    if (weak.length > 0) {
      const held = i.privileged ? privilegeRank('admin') : heldRank(cx, v);
      const privileged = i.privileged || held >= privilegeRank('admin') || (reach?.customers ?? 0) > 0;
      if (privileged) {
        const only = weak.length === i.mfa.length;
        out.push(cx.draft('hg.ctl.mfa.weak-factors-privileged', {
          ...base,
          title: only
            ? `Privileged account ${i.displayName} signs in with weak factors only (${weak.join(', ')})`
            : `Privileged account ${i.displayName} can fall back to weak factors (${weak.join(', ')})`,
          detail: 'SMS, voice and e-mail codes can be phished, intercepted or SIM-swapped; privileged accounts need app-based or phishing-resistant MFA.',
          evidence: { mfa: i.mfa, weak, ...(held >= 0 ? { heldPrivilege: privilegeName(held) } : {}), ...radiusEvidence(cx, v) },
        }, { ...why, lower: only ? 0 : 1 }));
      }
    }

    if (i.lastSignIn) {
      const days = Math.floor((cx.nowMs - Date.parse(i.lastSignIn)) / DAY_MS);
      if (days > staleDays) {
        out.push(cx.draft('hg.ctl.obsolete.stale-accounts', {
          ...base,
          title: `${i.displayName} is enabled but has not signed in for ${days} days`,
          detail: `Accounts unused for more than ${staleDays} days should be disabled or removed.`,
          evidence: { lastSignIn: i.lastSignIn, daysSinceSignIn: days, staleDays, ...radiusEvidence(cx, v) },
        }, why));
      }
    }

    if (i.departedAt && cx.nowMs - Date.parse(i.departedAt) > maxHours * HOUR_MS) {
      const days = Math.floor((cx.nowMs - Date.parse(i.departedAt)) / DAY_MS);
      const grants = cx.model.grant.filter((gr) => gr.principal === i.id && gr.principalKind === 'identity').map((gr) => gr.id);
      out.push(cx.draft('hg.ctl.obsolete.departed-technicians', {
        ...base,
        title: `${i.displayName} left ${days} days ago but the account is still enabled`,
        detail: 'Every account and grant of a departed technician must be disabled at once.',
        evidence: { departedAt: i.departedAt, daysSinceDeparture: days, directGrants: grants, ...radiusEvidence(cx, v) },
      }, why));
    }

    if (i.kind === 'service' && i.lastInteractiveSignIn) {
      out.push(cx.draft('hg.ctl.authn.service-account-interactive', {
        ...base,
        title: `Service account ${i.displayName} signed in interactively`,
        detail: 'A service account used at a prompt is a person holding a credential meant for a tool, or an attacker who took it.',
        evidence: { lastInteractiveSignIn: i.lastInteractiveSignIn, username: i.username, ...radiusEvidence(cx, v) },
      }, why));
    }

    if (i.kind === 'shared' && (msp || inMspGroup(cx, v))) {
      out.push(cx.draft('hg.ctl.authn.shared-accounts', {
        ...base,
        title: `Shared account ${i.displayName} is used for MSP access`,
        detail: 'Actions through a shared account cannot be traced to one technician.',
        evidence: { kind: i.kind, username: i.username, ...radiusEvidence(cx, v) },
      }, why));
    }
  }
  out.push(...credentialReuse(cx), ...adminGroupMembers(cx));
  return out;
}

/** Whether an identity sits (at any depth) in a group of an MSP. */
function inMspGroup(cx: AccessContext, v: number): boolean {
  const g = cx.g;
  const seen = new Set([v]);
  const stack = [v];
  while (stack.length) {
    const u = stack.pop()!;
    for (let e = g.offsets[u]!; e < g.offsets[u + 1]!; e++) {
      const t = g.target[e]!;
      if (g.edgeKind[e] !== E_MEMBER || seen.has(t)) continue;
      if (g.nodeFlags[t]! & NF_MSP) return true;
      seen.add(t);
      stack.push(t);
    }
  }
  return false;
}

/** One credential (credentialRef) on enabled accounts in more than one tenant, at least one of them privileged. */
function credentialReuse(cx: AccessContext): FindingDraft[] {
  const byRef = new Map<string, Identity[]>();
  for (const i of cx.model.identity) {
    if (!i.enabled || !i.credentialRef) continue;
    const list = byRef.get(i.credentialRef) ?? [];
    list.push(i);
    byRef.set(i.credentialRef, list);
  }
  const out: FindingDraft[] = [];
  for (const [ref, ids] of byRef) {
    const tenants = [...new Set(ids.map((i) => i.tenant))].sort();
    if (tenants.length < 2 || !ids.some((i) => i.privileged || cx.isMspAccount(i))) continue;
    const critical = tenants.some((t) => cx.isCritical(t));
    const share = Math.max(2, Math.ceil(cx.g.customers.length * HUB_WIDE_SHARE));
    for (const i of ids) {
      const others = ids.filter((x) => x !== i);
      out.push(cx.draft('hg.ctl.segregation.credential-reuse', {
        tenant: i.tenant,
        subject: subjectOf(i),
        title: `${i.displayName} shares its credential with ${others.length} account(s) in ${tenants.length - 1} other tenant(s)`,
        detail: 'Whoever learns this password in one tenant can sign in to every other tenant that reuses it.',
        evidence: {
          credentialRef: ref,
          tenants,
          sharedWith: others.slice(0, 50).map((x) => ({ identity: x.id, tenant: x.tenant })),
          path: [i.displayName, `same credential (${ref})`, ...others.slice(0, 5).map((x) => `${x.displayName} (${cx.orgName(x.tenant)})`)],
        },
      }, { hubWide: tenants.length >= share, critical }));
    }
  }
  return out;
}

/**
 * MSP identities and groups that are members of a customer's privileged group,
 * directly or through a customer group nested in it: one finding per
 * membership that crosses from the MSP into the customer.
 */
function adminGroupMembers(cx: AccessContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const m of cx.model.membership) {
    const memberTenant = m.memberKind === 'group' ? cx.groups.get(m.member)?.tenant : cx.identities.get(m.member)?.tenant;
    const group = cx.groups.get(m.group);
    if (!memberTenant || !group || !cx.isMspOrg(memberTenant) || cx.isMspOrg(group.tenant)) continue;
    const member = m.memberKind === 'group' ? cx.groups.get(m.member)?.name : cx.identities.get(m.member)?.displayName;
    // Follow the customer's nesting from the group entered to its privileged groups.
    const chain = privilegedChain(cx, m.group);
    if (!chain) continue;
    const top = cx.groups.get(chain.at(-1)!)!;
    const v = cx.g.lookup(m.memberKind === 'group' ? 'group' : 'identity', m.member);
    const reach = v === undefined ? undefined : cx.reach(v);
    out.push(cx.draft('hg.ctl.authn.msp-not-in-customer-admin-groups', {
      tenant: group.tenant,
      subject: { kind: 'membership', id: `${m.group}>${m.member}`, name: `${member ?? m.member} in ${group.name}` },
      title: `MSP ${m.memberKind} ${member ?? m.member} is in ${top.name} at ${cx.orgName(group.tenant)}`,
      detail: 'MSP accounts belong in delegated, scoped roles, not in the customer’s own admin groups.',
      evidence: {
        path: [member ?? m.member, ...chain.map((x) => cx.groups.get(x)?.name ?? x), cx.orgName(group.tenant)],
        privilegedGroup: top.id,
        ...(reach ? { customersReached: reach.customers } : {}),
      },
    }, { hubWide: reach?.hubWide, critical: cx.isCritical(group.tenant) }));
  }
  return out;
}

/** Groups from `start` up to the first privileged group of the same tenant (breadth-first), or undefined. */
function privilegedChain(cx: AccessContext, start: string): string[] | undefined {
  const tenant = cx.groups.get(start)?.tenant;
  const parents = new Map<string, string | undefined>([[start, undefined]]);
  const queue = [start];
  for (let k = 0; k < queue.length; k++) {
    const gid = queue[k]!;
    const gr = cx.groups.get(gid);
    if (gr?.privileged && gr.tenant === tenant) {
      const chain: string[] = [];
      for (let x: string | undefined = gid; x !== undefined; x = parents.get(x)) chain.unshift(x);
      return chain;
    }
    const v = cx.g.lookup('group', gid);
    if (v === undefined) continue;
    for (let e = cx.g.offsets[v]!; e < cx.g.offsets[v + 1]!; e++) {
      if (cx.g.edgeKind[e] !== E_MEMBER) continue;
      const next = cx.g.key[cx.g.target[e]!]!;
      if (!parents.has(next)) {
        parents.set(next, gid);
        queue.push(next);
      }
    }
  }
  return undefined;
}
