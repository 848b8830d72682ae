import { basename, extname } from 'node:path';
import type { CsvRow } from '../csv.js';
import { parseBool, parseLooseDate, readTable, type Table } from './csv-table.js';
import { adGroupKey, identityKind, Once, requireTenant, type ParseContext, type ParsedRecord } from './records.js';

/**
 * Built-in groups whose members administer the domain or its controllers
 * (Microsoft, "Appendix B: Privileged Accounts and Groups in Active Directory";
 * the AdminSDHolder protected groups).
 */
const PRIVILEGED_GROUPS = new Set([
  'domain-admins', 'enterprise-admins', 'schema-admins', 'administrators', 'account-operators', 'backup-operators',
  'server-operators', 'print-operators', 'dnsadmins', 'group-policy-creator-owners', 'key-admins', 'enterprise-key-admins',
  'cert-publishers', 'replicator',
]);

/** Export-Csv writes a multi-valued property as its type name, not its values. */
const COLLECTION_TYPE = /^Microsoft\.ActiveDirectory\.Management\.ADPropertyValueCollection$/;

/** Windows FILETIME (100 ns ticks since 1601-01-01 UTC) → ISO; 0 and the Int64 maximum mean "never". */
export function fromFileTime(ticks: string): string | undefined {
  if (!/^\d{1,19}$/.test(ticks)) return undefined;
  const t = BigInt(ticks);
  if (t === 0n || t >= 9223372036854775807n) return undefined;
  const ms = Number(t / 10000n) - 11644473600000;
  return ms > 0 && ms < 8.64e15 ? new Date(ms).toISOString() : undefined;
}

/** A distinguished name split into RDNs, honouring `\,` escapes (RFC 4514 §2.4). */
export function splitDn(dn: string): { type: string; value: string }[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === '\\' && i + 1 < dn.length) {
      cur += dn[++i];
      continue;
    }
    if (c === ',') {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  const rdns: { type: string; value: string }[] = [];
  for (const r of parts) {
    const eq = r.indexOf('=');
    if (eq > 0) rdns.push({ type: r.slice(0, eq).trim().toUpperCase(), value: r.slice(eq + 1).trim() });
  }
  return rdns;
}

/** DNS domain of a DN from its DC components (`DC=corp,DC=example` → `corp.example`). */
export const dnDomain = (dn: string): string | undefined => {
  const dcs = splitDn(dn).filter((r) => r.type === 'DC').map((r) => r.value.toLowerCase());
  return dcs.length ? dcs.join('.') : undefined;
};
/** The common name of a DN's first RDN. */
export const dnName = (dn: string): string | undefined => {
  const first = splitDn(dn)[0];
  return first && first.type === 'CN' ? first.value : undefined;
};

/**
 * Key of an AD account: `<dns domain>\<sAMAccountName>` in lower case. Distinct
 * from the Entra key (the UPN) on purpose: an on-premises account and its cloud
 * twin are two credentials with their own state.
 */
export const adIdentityKey = (domain: string, sam: string): string => `${domain}\\${sam}`.toLowerCase();

function groupRecord(tenant: string, name: string): Record<string, unknown> {
  const id = adGroupKey(tenant, name);
  return { id, tenant, name, privileged: PRIVILEGED_GROUPS.has(id.slice(id.lastIndexOf('/') + 1)), tags: ['ad'] };
}

function requireColumns(t: Table, names: [string, number][], ctx: ParseContext): boolean {
  let ok = true;
  for (const [name, c] of names) {
    if (c >= 0) continue;
    ok = false;
    ctx.problem('HG_ERR_MISSING_COLUMN', `required column "${name}" is missing`, { file: t.file, line: t.headerLine, field: name });
  }
  return ok;
}

/** The last logon of a row: lastLogonTimestamp as FILETIME or a date, else LastLogonDate. */
function lastLogon(t: Table, row: CsvRow, cols: { ts: number; date: number }, ctx: ParseContext): string | undefined | null {
  for (const c of [cols.ts, cols.date]) {
    const v = t.cell(row, c);
    if (!v) continue;
    const iso = /^\d+$/.test(v) ? fromFileTime(v) : parseLooseDate(v);
    if (iso || /^\d+$/.test(v)) return iso;
    ctx.problem('HG_ERR_VALIDATION', `expected a FILETIME number or a date, got "${v.slice(0, 60)}"`, t.at(row, c, t.header[c]));
    return null;
  }
  return undefined;
}

/**
 * `Get-ADUser -Filter * -Properties Enabled,LastLogonTimestamp,MemberOf,AdminCount,…
 * | Select-Object …,@{n='MemberOf';e={$_.MemberOf -join ';'}} | Export-Csv` →
 * identities, groups and memberships of the `--customer` tenant.
 *
 * - id: `<domain>\<sam>` (adIdentityKey; domain from DistinguishedName, else the UPN suffix);
 * - enabled: Enabled; lastSignIn: lastLogonTimestamp (FILETIME or a date; it
 *   replicates with up to 14 days' lag, ms-DS-Logon-Time-Sync-Interval) or LastLogonDate;
 * - privileged: AdminCount = 1 (AdminSDHolder protection: a current or former
 *   member of a protected group), or membership of a built-in admin group;
 * - kind: `service` when ServicePrincipalName is set (a Kerberos service
 *   account), else naming;
 * - MemberOf: `;`-joined DNs → groups keyed by common name, and memberships.
 */
export function parseAdUsers(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const tenant = requireTenant(ctx, file);
  if (!tenant) return [];
  const t = readTable(text, file);
  const c = {
    sam: t.col('SamAccountName', 'sAMAccountName'),
    enabled: t.col('Enabled'),
    upn: t.col('UserPrincipalName'),
    dn: t.col('DistinguishedName'),
    display: t.col('DisplayName'),
    name: t.col('Name'),
    ts: t.col('LastLogonTimestamp', 'lastLogonTimeStamp'),
    date: t.col('LastLogonDate'),
    admin: t.col('AdminCount'),
    memberOf: t.col('MemberOf'),
    spn: t.col('ServicePrincipalName', 'ServicePrincipalNames'),
  };
  if (!requireColumns(t, [['SamAccountName', c.sam], ['Enabled', c.enabled]], ctx)) return [];
  if (c.dn < 0 && c.upn < 0) {
    ctx.problem('HG_ERR_MISSING_COLUMN', 'required column "DistinguishedName" (or "UserPrincipalName") is missing: the domain cannot be told', { file, line: t.headerLine, field: 'DistinguishedName' });
    return [];
  }
  const out: ParsedRecord[] = [];
  const once = new Once();
  for (const row of t.rows) {
    const sam = t.cell(row, c.sam);
    const upn = t.cell(row, c.upn);
    const domain = dnDomain(t.cell(row, c.dn)) ?? upn.split('@')[1]?.toLowerCase();
    if (!sam || !domain) {
      ctx.problem('HG_ERR_VALIDATION', sam ? 'cannot tell the domain: DistinguishedName has no DC= part and there is no UPN' : 'SamAccountName is empty', t.at(row, sam ? c.dn : c.sam));
      continue;
    }
    const enabled = parseBool(t.cell(row, c.enabled));
    if (enabled === undefined) {
      ctx.problem('HG_ERR_VALIDATION', `expected True or False, got "${t.cell(row, c.enabled)}"`, t.at(row, c.enabled, 'Enabled'));
      continue;
    }
    const last = lastLogon(t, row, c, ctx);
    if (last === null) continue;
    const id = adIdentityKey(domain, sam);
    const memberOf = t.cell(row, c.memberOf);
    if (COLLECTION_TYPE.test(memberOf)) {
      ctx.problem('HG_ERR_VALIDATION', "MemberOf holds the collection's type name, not the groups: export it with @{n='MemberOf';e={$_.MemberOf -join ';'}}", t.at(row, c.memberOf, 'MemberOf'));
      continue;
    }
    let inAdminGroup = false;
    for (const dn of memberOf.split(/;|\r?\n/).map((s) => s.trim()).filter(Boolean)) {
      const cn = dnName(dn);
      if (!cn) {
        ctx.problem('HG_ERR_VALIDATION', `not a distinguished name: "${dn.slice(0, 80)}"`, t.at(row, c.memberOf, 'MemberOf'));
        continue;
      }
      const g = groupRecord(tenant, cn);
      inAdminGroup ||= g.privileged === true;
      if (once.first('group', String(g.id))) out.push({ kind: 'group', value: g, location: t.at(row, c.memberOf), merge: [] });
      out.push({ kind: 'membership', value: { tenant, group: g.id, member: id, memberKind: 'identity' }, location: t.at(row, c.memberOf), merge: [] });
    }
    const displayName = t.cell(row, c.display) || t.cell(row, c.name) || sam;
    const kind = t.cell(row, c.spn) ? 'service' : identityKind(sam, displayName);
    out.push({
      kind: 'identity',
      value: {
        id,
        tenant,
        kind,
        displayName,
        username: upn || sam,
        enabled,
        ...(last ? { lastSignIn: last } : {}),
        privileged: t.cell(row, c.admin) === '1' || inAdminGroup,
        tags: ['ad'],
      },
      location: { file, line: row.line },
      locate: (p) => t.at(row, { id: c.sam, displayName: c.display, enabled: c.enabled, lastSignIn: c.ts >= 0 ? c.ts : c.date }[String(p[0])] ?? -1),
    });
  }
  return out;
}

/**
 * The group a Get-ADGroupMember export lists, from its file name:
 * `Domain Admins.csv`, or `domain-admins-members.csv` (dashes read as spaces and
 * words capitalized, so both name the group as MemberOf does: "Domain Admins").
 */
export function groupFromFileName(path: string): string {
  const stem = basename(path, extname(path)).replace(/[-_ ]?members$/i, '').replace(/^group[-_ ]/i, '') || basename(path);
  if (/\s/.test(stem)) return stem;
  return stem.split(/[-_]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
}

/**
 * `Get-ADGroupMember '<group>' | Export-Csv` (ADPrincipal: distinguishedName,
 * name, objectClass, SamAccountName, SID) → memberships of that group in the
 * `--customer` tenant. The group is named by a `Group` column when the export
 * adds one (`Select-Object @{n='Group';e={'Domain Admins'}},*`), else by the
 * file name. Users and nested groups become members; computers and managed
 * service accounts are skipped (Hubguard models them as assets, not identities).
 */
export function parseAdGroupMembers(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const tenant = requireTenant(ctx, file);
  if (!tenant) return [];
  const t = readTable(text, file);
  const c = { dn: t.col('distinguishedName'), cls: t.col('objectClass'), sam: t.col('SamAccountName', 'sAMAccountName'), name: t.col('name'), group: t.col('Group', 'GroupName') };
  if (!requireColumns(t, [['distinguishedName', c.dn], ['objectClass', c.cls], ['SamAccountName', c.sam]], ctx)) return [];
  const out: ParsedRecord[] = [];
  const once = new Once();
  for (const row of t.rows) {
    const groupName = t.cell(row, c.group) || groupFromFileName(file);
    const g = groupRecord(tenant, groupName);
    if (once.first('group', String(g.id))) out.push({ kind: 'group', value: g, location: { file, line: row.line }, merge: [] });
    const cls = t.cell(row, c.cls).toLowerCase();
    const dn = t.cell(row, c.dn);
    if (cls === 'user') {
      const domain = dnDomain(dn);
      const sam = t.cell(row, c.sam);
      if (!domain || !sam) {
        ctx.problem('HG_ERR_VALIDATION', 'member needs a distinguishedName with DC= parts and a SamAccountName', t.at(row, domain ? c.sam : c.dn));
        continue;
      }
      out.push({ kind: 'membership', value: { tenant, group: g.id, member: adIdentityKey(domain, sam), memberKind: 'identity' }, location: t.at(row, c.sam), merge: [] });
    } else if (cls === 'group') {
      const cn = t.cell(row, c.name) || dnName(dn);
      if (!cn) {
        ctx.problem('HG_ERR_VALIDATION', 'member group has no name', t.at(row, c.dn));
        continue;
      }
      const nested = groupRecord(tenant, cn);
      if (once.first('group', String(nested.id))) out.push({ kind: 'group', value: nested, location: t.at(row, c.dn), merge: [] });
      out.push({ kind: 'membership', value: { tenant, group: g.id, member: nested.id, memberKind: 'group' }, location: t.at(row, c.dn), merge: [] });
    } else if (!cls) {
      ctx.problem('HG_ERR_VALIDATION', 'objectClass is empty', t.at(row, c.cls, 'objectClass'));
    }
  }
  return out;
}
