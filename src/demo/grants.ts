import type { Privilege } from '../core/index.js';
import { DAY, daysAgo, isoAt, randomAgo, type DemoContext } from './context.js';
import type { DeviceLayout } from './devices.js';
import { roleId, techFor, type CustomerRoleKey, type People } from './people.js';
import { rngFor } from './prng.js';
import type { CustomerProfile } from './profile.js';
import { MSP_GROUPS, MSP_TOOLS, departedTechnician, type Technician } from './staff.js';
import type { DemoFlaw, DemoRecordInputs } from './types.js';

type In<K extends keyof DemoRecordInputs> = DemoRecordInputs[K];

/** GDAP relationships last at most two years (Microsoft Partner Center). */
const GDAP_MAX_DAYS = 730;

/** The MSP's GDAP role assignments at a well-run customer: least privilege, admin roles only just in time. */
const GDAP_PLAN: readonly { group: keyof typeof MSP_GROUPS; role: CustomerRoleKey; privilege: Privilege; mode: 'standing' | 'jit' }[] = [
  { group: 'tier1', role: 'helpdesk-admin', privilege: 'operator', mode: 'standing' },
  { group: 'tier1', role: 'security-reader', privilege: 'read', mode: 'standing' },
  { group: 'tier2', role: 'exchange-admin', privilege: 'admin', mode: 'jit' },
  { group: 'tier2', role: 'user-admin', privilege: 'admin', mode: 'jit' },
  { group: 'tier2', role: 'intune-admin', privilege: 'admin', mode: 'jit' },
];

const local = (id: string) => id.split('@')[0] ?? id;

/** Derives every access grant into a customer: its own admins' roles and all MSP access paths. */
export function customerGrants(
  ctx: DemoContext, techs: readonly Technician[], p: CustomerProfile, people: People, devices: DeviceLayout,
): { grants: In<'grant'>[]; flaws: DemoFlaw[] } {
  const rng = rngFor(ctx.seed, 'customer', p.i, 'grants');
  const t = p.id;
  const grants: In<'grant'>[] = [];
  const flaws: DemoFlaw[] = [];
  const onboarded = daysAgo(ctx, p.onboardedDaysAgo);
  const org = { target: t, targetKind: 'organization' as const };

  // The customer's own Global Admins: the IT contact and the break-glass account (Microsoft advises 2 to 8).
  for (const who of [people.itContact.id, people.breakGlass]) {
    grants.push({
      id: `${t}:directory:${local(who)}:global-admin`, tenant: t, principal: who, principalKind: 'identity', ...org,
      privilege: 'global-admin', role: roleId(t, 'global-admin'), mode: 'standing', via: 'directory', grantedAt: onboarded,
    });
  }

  // GDAP: one relationship, renewed within its two-year limit.
  const relStartMs = ctx.nowMs - rng.int(30, GDAP_MAX_DAYS - 30) * DAY;
  const gdap = { via: 'gdap' as const, grantedAt: isoAt(relStartMs), expiresAt: isoAt(relStartMs + GDAP_MAX_DAYS * DAY) };
  const autoExtendOthers = rng.chance(0.5);
  for (const g of GDAP_PLAN) {
    grants.push({
      id: `${t}:gdap:${g.group}:${g.role}`, tenant: t, principal: MSP_GROUPS[g.group], principalKind: 'group', ...org,
      privilege: g.privilege, role: roleId(t, g.role), mode: g.mode, ...gdap, autoExtend: autoExtendOthers,
      lastUsed: randomAgo(ctx, rng, 0, 20),
    });
  }
  const standingGa = ctx.has('standing-global-admin', p.i);
  const gaOnTechnician = standingGa && rng.chance(0.5);
  const autoExtendGa = ctx.has('gdap-autoextend-global-admin', p.i);
  const gaGrant = `${t}:gdap:admins:global-admin`;
  grants.push({
    id: gaGrant, tenant: t, principal: MSP_GROUPS.admins, principalKind: 'group', ...org, privilege: 'global-admin',
    role: roleId(t, 'global-admin'), mode: standingGa && !gaOnTechnician ? 'standing' : 'jit', ...gdap, autoExtend: autoExtendGa,
    lastUsed: randomAgo(ctx, rng, 1, 60),
  });
  if (standingGa && !gaOnTechnician) {
    flaws.push({
      flaw: 'standing-global-admin', tenant: t, subject: { kind: 'grant', id: gaGrant },
      description: `The MSP group msp-admins holds standing Global Administrator at ${p.name} through GDAP instead of just-in-time access.`,
    });
  }
  if (gaOnTechnician) {
    const tech = techFor(ctx, techs, p.i, 'standing-ga');
    const id = `${t}:gdap:${local(tech.id)}:global-admin`;
    grants.push({
      id, tenant: t, principal: tech.id, principalKind: 'identity', ...org, privilege: 'global-admin',
      role: roleId(t, 'global-admin'), mode: 'standing', ...gdap, autoExtend: false, lastUsed: randomAgo(ctx, rng, 0, 10),
    });
    flaws.push({
      flaw: 'standing-global-admin', tenant: t, subject: { kind: 'grant', id },
      description: `MSP technician ${tech.displayName} holds standing Global Administrator at ${p.name} through GDAP.`,
    });
  }
  if (autoExtendGa) {
    flaws.push({
      flaw: 'gdap-autoextend-global-admin', tenant: t, subject: { kind: 'grant', id: gaGrant },
      description: `The GDAP relationship giving msp-admins Global Administrator at ${p.name} is set to auto-extend, which Microsoft does not allow with Global Admin.`,
    });
  }
  if (ctx.has('legacy-dap', p.i)) {
    const id = `${t}:dap:adminagents`;
    grants.push({
      id, tenant: t, principal: MSP_GROUPS.adminAgents, principalKind: 'group', ...org, privilege: 'global-admin',
      role: roleId(t, 'global-admin'), mode: 'standing', via: 'dap', grantedAt: daysAgo(ctx, rng.int(1800, 2600)),
      lastUsed: randomAgo(ctx, rng, 5, 120), tags: ['legacy'],
    });
    flaws.push({
      flaw: 'legacy-dap', tenant: t, subject: { kind: 'grant', id },
      description: `A legacy DAP relationship still gives the MSP's AdminAgents group Global Administrator at ${p.name}.`,
    });
  }

  // MSP tools: the RMM and remote-access agents run as SYSTEM on every managed endpoint.
  const toolGrant = (key: string, tool: string, via: In<'grant'>['via'], privilege: Privilege, extra: Partial<In<'grant'>> = {}) =>
    grants.push({
      id: `${t}:${key}`, tenant: t, principal: tool, principalKind: 'tool', ...org, privilege, mode: 'standing', via, tool,
      grantedAt: onboarded, lastUsed: randomAgo(ctx, rng, 0, 1), ...extra,
    });
  toolGrant('rmm', MSP_TOOLS.rmm, 'rmm', 'system');
  toolGrant('remote-access', MSP_TOOLS.remote, 'remote-access', 'system');
  toolGrant('backup-console', MSP_TOOLS.backup, 'backup-console', 'admin');
  // Technicians reach the office network through a site-to-site tunnel ending on the customer's firewall.
  grants.push({
    id: `${t}:vpn`, tenant: t, principal: MSP_GROUPS.tier2, principalKind: 'group', target: devices.firewall, targetKind: 'asset',
    privilege: 'user', mode: 'standing', via: 'vpn', tool: MSP_TOOLS.vpn, grantedAt: onboarded, lastUsed: randomAgo(ctx, rng, 0, 14),
  });
  // The vault holds this customer's admin credentials; tier 1 can check them out.
  grants.push({
    id: `${t}:vault`, tenant: t, principal: MSP_GROUPS.tier1, principalKind: 'group', ...org, privilege: 'admin',
    mode: 'standing', via: 'password-vault', tool: MSP_TOOLS.vault, grantedAt: onboarded, lastUsed: randomAgo(ctx, rng, 0, 7),
  });
  if (ctx.has('departed-technician-active', p.i)) {
    const gone = departedTechnician(techs);
    grants.push({
      id: `${t}:remote-access:${local(gone.id)}`, tenant: t, principal: gone.id, principalKind: 'identity', ...org,
      privilege: 'admin', mode: 'standing', via: 'remote-access', tool: MSP_TOOLS.remote,
      grantedAt: daysAgo(ctx, rng.int(300, 900)), lastUsed: daysAgo(ctx, gone.lastSignInDaysAgo),
    });
  }
  return { grants, flaws };
}
