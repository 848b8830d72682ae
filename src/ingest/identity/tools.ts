import { basename, extname } from 'node:path';
import type { MfaMethod, Privilege, ToolKind } from '../../core/index.js';
import { parseBool, parseLooseDate, readTable } from './csv-table.js';
import { identityKind, Once, requireTenant, roleKey, slug, type ParseContext, type ParsedRecord } from './records.js';

/**
 * Column names of technician / account lists, matched loosely (case, spaces and
 * punctuation ignored). The first list holds the generic format
 * (`user,email,role,mfa,enabled,lastLogin`); the others are names the same
 * columns carry in consoles' user exports.
 */
export const TOOL_COLUMNS = {
  user: ['user', 'username', 'login', 'loginname', 'account', 'accountname', 'userid', 'technician', 'name'],
  email: ['email', 'emailaddress', 'mail', 'emailaddressusername'],
  name: ['displayname', 'fullname'],
  role: ['role', 'rolename', 'securityrole', 'securitylevel', 'accesslevel', 'userrole', 'permissionlevel', 'usertype'],
  mfa: ['mfa', '2fa', 'twofactor', 'twofactorauthentication', 'mfaenabled', '2faenabled', '2fasetup', 'mfastatus', 'mfamethod', 'otp'],
  enabled: ['enabled', 'status', 'active', 'accountstatus', 'state'],
  disabled: ['disabled', 'locked'],
  lastLogin: ['lastlogin', 'lastlogintime', 'lastlogintimeutc', 'lastlogon', 'lastsignin', 'lastseen', 'lastactivity', 'lastaccess', 'lastloginutc'],
  tool: ['tool', 'asset'],
  toolKind: ['toolkind'],
} as const;

/** Tool kinds an account list can describe, and the access path each grant goes through. */
const KINDS = ['rmm', 'remote-access', 'password-vault', 'vpn'] as const satisfies readonly ToolKind[];
type AccountToolKind = (typeof KINDS)[number];

/** Product and word hints in a tool or file name → the kind of tool (documented in docs/identity-imports.md). */
const KIND_HINTS: [RegExp, AccountToolKind][] = [
  [/screenconnect|connectwise-?control|teamviewer|splashtop|anydesk|bomgar|beyondtrust|logmein|remote/, 'remote-access'],
  [/vault|keeper|passportal|it-?glue|hudu|bitwarden|1password|lastpass|password|secret/, 'password-vault'],
  [/vpn|forti|globalprotect|anyconnect|openvpn|wireguard|pulse|ivanti/, 'vpn'],
  [/rmm|n-?central|n-?able|ninja|kaseya|vsa|datto|atera|syncro|automate|labtech|pulseway|tactical/, 'rmm'],
];

/** The tool kind named by a cell, or guessed from the tool's or the file's name. */
export function toolKindOf(...names: string[]): AccountToolKind | undefined {
  for (const n of names) {
    const l = n.toLowerCase();
    if ((KINDS as readonly string[]).includes(l)) return l as AccountToolKind;
  }
  for (const n of names) for (const [re, k] of KIND_HINTS) if (re.test(n.toLowerCase())) return k;
  return undefined;
}

/** The tool asset a file describes when it has no `tool` column: `harbor-rmm-users.csv` → `harbor-rmm`. */
export function toolFromFileName(path: string): string {
  return slug(basename(path, extname(path)).replace(/[-_ ]?(users|accounts|technicians|logins|operators|members)$/i, ''));
}

/**
 * A tool role name → privilege. Console roles are not standardized, so words
 * decide: owner / admin / superuser / full access → `admin`; read-only / viewer
 * / auditor / report → `read`; anything else (technician, support, standard,
 * custom roles) → `operator`.
 */
export function toolPrivilege(role: string): Privilege {
  const r = role.toLowerCase();
  if (/read[- ]?only|\bview(er)?\b|\baudit(or)?\b|\breport(s|ing)?\b|\bguest\b|\bobserver\b/.test(r)) return 'read';
  if (/\b(super ?user|super ?admin|owner|full( access| control)?|admin(istrator)?s?|root|master)\b/.test(r)) return 'admin';
  return 'operator';
}

const MFA_WORDS: [RegExp, MfaMethod[] | 'none'][] = [
  [/^(no|false|0|off|none|disabled|not ?(configured|enabled|set ?up|enrolled)|-)$/, 'none'],
  [/fido|webauthn|security ?key|yubi|passkey/, ['fido2']],
  [/push|duo|authenticator ?app ?push/, ['authenticator-push']],
  [/sms|text/, ['sms']],
  [/voice|phone|call/, ['voice']],
  [/e-?mail/, ['email']],
  [/totp|authenticator|\bapp\b|otp|google|microsoft/, ['totp']],
  // Consoles that only say "2FA: yes" offer authenticator-app codes (TOTP); that is what a bare yes means.
  [/^(yes|true|1|on|enabled|configured|enrolled|set ?up|required)$/, ['totp']],
];

/** An MFA cell → methods: a yes/no, or method names separated by `;`, `,` or `/`. Undefined when a word is unknown. */
export function toolMfa(cell: string): MfaMethod[] | undefined {
  const out = new Set<MfaMethod>();
  for (const part of cell.split(/[;,/|]/).map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const hit = MFA_WORDS.find(([re]) => re.test(part));
    if (!hit) return undefined;
    if (hit[1] !== 'none') for (const m of hit[1]) out.add(m);
  }
  return [...out];
}

/**
 * An RMM, remote-access, password-vault or VPN account list (CSV, columns in
 * TOOL_COLUMNS) → for each account: an identity of the `--customer` MSP
 * (`<tool>/<login>`: a console account is its own credential), a role of the
 * tool (`<tool>/role/<slug>`) and a grant identity → the tool asset, with the
 * role's privilege, via the tool kind. The tool asset must exist (workspace
 * assets or an earlier import): the list names it by a `tool` column or its
 * file name. The tool kind comes from a `toolKind` column or the names.
 */
export function parseToolAccounts(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const msp = requireTenant(ctx, file, 'MSP org id');
  if (!msp) return [];
  const t = readTable(text, file);
  const col = Object.fromEntries(Object.entries(TOOL_COLUMNS).map(([k, v]) => [k, t.col(...v)])) as Record<keyof typeof TOOL_COLUMNS, number>;
  const missing: string[] = [];
  if (col.user < 0 && col.email < 0) missing.push('user');
  if (col.role < 0) missing.push('role');
  for (const m of missing) ctx.problem('HG_ERR_MISSING_COLUMN', `required column "${m}" is missing (known names: ${TOOL_COLUMNS[m as 'user' | 'role'].join(', ')})`, { file, line: t.headerLine, field: m });
  if (missing.length) return [];
  const out: ParsedRecord[] = [];
  const once = new Once();
  for (const row of t.rows) {
    const at = (c: number, field?: string) => t.at(row, c, field);
    const tool = slug(t.cell(row, col.tool)) || toolFromFileName(file);
    const named = t.cell(row, col.toolKind);
    const kind = named ? toolKindOf(named) : toolKindOf(tool, basename(file));
    if (!kind) {
      ctx.problem('HG_ERR_VALIDATION', named ? `unknown toolKind "${named}": expected ${KINDS.join(', ')}` : `cannot tell what kind of tool "${tool}" is: add a toolKind column (${KINDS.join(', ')})`, at(col.toolKind, 'toolKind'));
      continue;
    }
    const email = t.cell(row, col.email);
    const login = t.cell(row, col.user) || email;
    const roleName = t.cell(row, col.role);
    if (!login || !roleName) {
      ctx.problem('HG_ERR_VALIDATION', login ? 'role is empty' : 'user is empty', at(login ? col.role : col.user));
      continue;
    }
    const mfa = col.mfa >= 0 ? toolMfa(t.cell(row, col.mfa)) : [];
    if (!mfa) {
      ctx.problem('HG_ERR_VALIDATION', `unknown MFA value "${t.cell(row, col.mfa)}": use yes/no or method names (sms, totp, push, fido2, email, voice)`, at(col.mfa, 'mfa'));
      continue;
    }
    const en = col.enabled >= 0 ? t.cell(row, col.enabled) : col.disabled >= 0 ? t.cell(row, col.disabled) : 'true';
    let enabled = en ? parseBool(en) : true;
    if (enabled !== undefined && col.enabled < 0 && col.disabled >= 0 && en) enabled = !enabled;
    if (enabled === undefined) {
      ctx.problem('HG_ERR_VALIDATION', `expected enabled/disabled or true/false, got "${en}"`, at(col.enabled >= 0 ? col.enabled : col.disabled, 'enabled'));
      continue;
    }
    const lastRaw = t.cell(row, col.lastLogin);
    const lastLogin = parseLooseDate(lastRaw);
    if (lastRaw && !lastLogin && !/^(never|n\/a|-|none)$/i.test(lastRaw)) {
      ctx.problem('HG_ERR_VALIDATION', `expected a date, got "${lastRaw.slice(0, 60)}"`, at(col.lastLogin, 'lastLogin'));
      continue;
    }
    const privilege = toolPrivilege(roleName);
    const role = { id: roleKey(tool, roleName), tenant: msp, name: roleName, privilege, system: kind, tags: [tool] };
    if (once.first('role', role.id)) out.push({ kind: 'role', value: role, location: at(col.role), merge: ['name', 'privilege', 'system'] });
    const loginKey = login.toLowerCase().replace(/\s+/g, '.');
    const id = `${tool}/${loginKey}`;
    const displayName = t.cell(row, col.name) || (col.user >= 0 ? t.cell(row, col.user) : '') || email;
    out.push({
      kind: 'identity',
      value: {
        id,
        tenant: msp,
        kind: identityKind(login, displayName),
        displayName,
        username: login,
        enabled,
        mfa,
        ...(lastLogin ? { lastSignIn: lastLogin } : {}),
        privileged: privilege === 'admin',
        tags: [kind, tool, ...(email ? [`email:${email.toLowerCase()}`] : [])],
      },
      location: { file, line: row.line },
      locate: (p) => at({ id: col.user, username: col.user, enabled: col.enabled, mfa: col.mfa, lastSignIn: col.lastLogin }[String(p[0])] ?? -1),
    });
    out.push({
      kind: 'grant',
      value: {
        id: `${tool}/${loginKey}/access`,
        tenant: msp,
        principal: id,
        principalKind: 'identity',
        target: tool,
        targetKind: 'asset',
        privilege,
        role: role.id,
        mode: 'standing',
        via: kind,
        tool,
        ...(lastLogin ? { lastUsed: lastLogin } : {}),
        tags: [],
      },
      location: { file, line: row.line },
      locate: (p) => at(p[0] === 'target' || p[0] === 'tool' ? col.tool : p[0] === 'role' ? col.role : col.user),
    });
  }
  return out;
}
