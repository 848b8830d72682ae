import { PRIVILEGE_LEVELS, privilegeRank, type Privilege } from '../../core/index.js';
import {
  E_ADMIN_GROUP, E_CONTAINS, E_CREDENTIAL, E_GRANT, E_MEMBER, E_ROLE_SCOPE, E_SIGN_IN, E_TOOL_MANAGES, F_JIT, F_NEEDS_MFA,
  N_ASSET, N_GROUP, N_IDENTITY, N_ORG, N_ROLE, N_TOOL, NF_DISABLED, NF_ENDPOINT, NF_MFA, NF_MSP, PASS, VIA,
  EDGE_KINDS, type AccessGraph, type EdgeKind,
} from './graph.js';
import { layoutCsr, recordIndex } from './graph-layout.js';

/*
 * Record shapes the builder accepts: the model's records, or the workspace
 * input shape (defaults not yet filled in), so the benchmark can stream the demo
 * generator straight in without a validation pass.
 */
/** An organization as the builder reads it. */
export interface OrgIn { id: string; name: string; kind: 'msp' | 'customer' }
/** An identity as the builder reads it. */
export interface IdentityIn { id: string; tenant: string; displayName: string; enabled?: boolean; mfa?: readonly string[] }
/** A group as the builder reads it. */
export interface GroupIn { id: string; tenant: string; name: string; privileged?: boolean }
/** A membership as the builder reads it. */
export interface MembershipIn { group: string; member: string; memberKind?: 'identity' | 'group' }
/** A role as the builder reads it. */
export interface RoleIn { id: string; name: string; privilege: Privilege }
/** An asset as the builder reads it. */
export interface AssetIn { id: string; tenant: string; name: string; kind: string; toolKind?: string; managedEndpoints?: number }
/** A grant as the builder reads it. */
export interface GrantIn {
  id: string;
  principal: string;
  principalKind?: 'identity' | 'group' | 'tool';
  target: string;
  targetKind?: 'organization' | 'asset';
  privilege: Privilege;
  role?: string;
  mode?: 'standing' | 'jit';
  via: string;
  tool?: string;
  expiresAt?: string;
  autoExtend?: boolean;
}

/** Everything the graph is built from (each kind optional). */
export interface GraphInput {
  organization?: Iterable<OrgIn>;
  identity?: Iterable<IdentityIn>;
  group?: Iterable<GroupIn>;
  membership?: Iterable<MembershipIn>;
  role?: Iterable<RoleIn>;
  asset?: Iterable<AssetIn>;
  grant?: Iterable<GrantIn>;
}

/** Options of the builder. */
export interface BuildOptions {
  /** Grants that expired before this instant (and do not auto-extend) confer nothing and are left out. */
  now: Date;
}

const RANK = Object.fromEntries(PRIVILEGE_LEVELS.map((p, i) => [p, i])) as Record<Privilege, number>;
const KIND_INDEX = Object.fromEntries(EDGE_KINDS.map((k, i) => [k, i])) as Record<EdgeKind, number>;

/** A growable typed array. */
class Grow<T extends Int32Array | Uint8Array> {
  n = 0;
  constructor(public a: T, private readonly make: (n: number) => T) {}
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = this.make(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
  view(): T {
    return this.a.subarray(0, this.n) as T;
  }
}
const i32 = (n: number) => new Grow(new Int32Array(n), (k) => new Int32Array(k));
const u8 = (n: number) => new Grow(new Uint8Array(n), (k) => new Uint8Array(k));

/**
 * Builds an AccessGraph from records fed one at a time, in the workspace's
 * dependency order (organizations, identities, groups, memberships, roles,
 * assets, grants). Records that arrive before what they reference wait until
 * build(); references that never resolve become warnings, not errors, because
 * the importers have already reported them.
 */
export class GraphBuilder {
  private readonly kind = u8(1024);
  private readonly flags = u8(1024);
  private readonly tenantKey: string[] = [];
  private readonly key: string[] = [];
  private readonly name: string[] = [];
  private readonly orgs = new Map<string, number>();
  private readonly orgIsMsp = new Set<number>();
  private readonly identities = new Map<string, number>();
  private readonly groups = new Map<string, number>();
  private readonly assets = new Map<string, number>();
  private readonly roles = new Map<string, RoleIn>();
  private readonly roleScopes = new Map<string, number>();
  private readonly toolKinds = new Map<number, string>();
  private readonly declared = new Map<number, number>();
  private readonly privilegedGroups: number[] = [];
  private readonly src = i32(4096);
  private readonly dst = i32(4096);
  private readonly priv = u8(4096);
  private readonly eflags = u8(4096);
  private readonly ekind = u8(4096);
  private readonly erec = i32(4096);
  private readonly recIds: string[] = [];
  private readonly recKind = u8(1024);
  private readonly recVia = u8(1024);
  private readonly recTool = i32(1024);
  private readonly recPrincipal = i32(1024);
  private readonly recRole: string[] = [];
  private pendingMemberships: MembershipIn[] = [];
  private pendingGrants: GrantIn[] = [];
  private readonly warnings: string[] = [];
  private readonly nowMs: number;

  constructor(options: BuildOptions) {
    this.nowMs = options.now.getTime();
  }

  private node(kind: number, key: string, name: string, tenant: string, flags = 0): number {
    const v = this.key.length;
    this.kind.push(kind);
    this.flags.push(flags);
    this.key.push(key);
    this.name.push(name);
    this.tenantKey.push(tenant);
    return v;
  }

  private edge(s: number, d: number, rank: number, flags: number, kind: number, rec: number): void {
    this.src.push(s);
    this.dst.push(d);
    this.priv.push(rank);
    this.eflags.push(flags);
    this.ekind.push(kind);
    this.erec.push(rec);
  }

  private record(id: string, kind: 0 | 1, principal: number, via = 0, tool = -1, role = ''): number {
    this.recIds.push(id);
    this.recPrincipal.push(principal);
    this.recKind.push(kind);
    this.recVia.push(via);
    this.recTool.push(tool);
    this.recRole.push(role);
    return this.recIds.length - 1;
  }

  /** Adds an organization. */
  organization(r: OrgIn): void {
    if (this.orgs.has(r.id)) return;
    const v = this.node(N_ORG, r.id, r.name, r.id);
    this.orgs.set(r.id, v);
    if (r.kind === 'msp') this.orgIsMsp.add(v);
  }

  /** Adds an identity. */
  identity(r: IdentityIn): void {
    if (this.identities.has(r.id)) return;
    const f = (r.enabled === false ? NF_DISABLED : 0) | ((r.mfa?.length ?? 0) > 0 ? NF_MFA : 0);
    this.identities.set(r.id, this.node(N_IDENTITY, r.id, r.displayName, r.tenant, f));
  }

  /** Adds a group. */
  group(r: GroupIn): void {
    if (this.groups.has(r.id)) return;
    const v = this.node(N_GROUP, r.id, r.name, r.tenant);
    this.groups.set(r.id, v);
    if (r.privileged) this.privilegedGroups.push(v);
  }

  /** Adds a role (roles become nodes when a grant assigns them, one per role and target). */
  role(r: RoleIn): void {
    this.roles.set(r.id, r);
  }

  /** Adds an asset (MSP tools become tool nodes); returns its node. */
  asset(r: AssetIn): number {
    const known = this.assets.get(r.id);
    if (known !== undefined) return known;
    const tool = r.kind === 'msp-tool';
    const v = this.node(tool ? N_TOOL : N_ASSET, r.id, r.name, r.tenant, r.kind === 'device' ? NF_ENDPOINT : 0);
    this.assets.set(r.id, v);
    if (tool) this.toolKinds.set(v, r.toolKind ?? 'other');
    if (r.managedEndpoints) this.declared.set(v, r.managedEndpoints);
    return v;
  }

  /** The node of a record added so far, if any. */
  nodeOf(kind: 'identity' | 'group' | 'organization' | 'asset', key: string): number | undefined {
    return (kind === 'identity' ? this.identities : kind === 'group' ? this.groups : kind === 'organization' ? this.orgs : this.assets).get(key);
  }

  /**
   * Adds an edge no record backs (a what-if cannot remove it by id). For access
   * known from elsewhere than grants, and for benchmarks that synthesize detail
   * such as per-endpoint agents.
   */
  link(from: number, to: number, kind: EdgeKind, privilege: Privilege, mode: 'standing' | 'jit' = 'standing'): void {
    this.edge(from, to, RANK[privilege], mode === 'jit' ? F_JIT : 0, KIND_INDEX[kind], -1);
  }

  /** Adds a membership: an edge member → group. */
  membership(r: MembershipIn): void {
    if (!this.placeMembership(r)) this.pendingMemberships.push(r);
  }

  private placeMembership(r: MembershipIn): boolean {
    const g = this.groups.get(r.group);
    const m = r.memberKind === 'group' ? this.groups.get(r.member) : this.identities.get(r.member);
    if (g === undefined || m === undefined) return false;
    this.edge(m, g, PASS, 0, E_MEMBER, this.record(`${r.group}>${r.member}`, 0, m));
    return true;
  }

  /** Adds a grant: the edges it implies (see docs/access.md). */
  grant(r: GrantIn): void {
    if (!this.placeGrant(r)) this.pendingGrants.push(r);
  }

  private placeGrant(r: GrantIn): boolean {
    const pk = r.principalKind ?? 'identity';
    const p = pk === 'group' ? this.groups.get(r.principal) : pk === 'tool' ? this.assets.get(r.principal) : this.identities.get(r.principal);
    const t = (r.targetKind ?? 'organization') === 'asset' ? this.assets.get(r.target) : this.orgs.get(r.target);
    const tool = r.tool === undefined ? -1 : (this.assets.get(r.tool) ?? -2);
    if (p === undefined || t === undefined || tool === -2) return false;
    // An expired relationship confers nothing; auto-extending ones renew themselves.
    if (r.expiresAt && !r.autoExtend && Date.parse(r.expiresAt) < this.nowMs) return true;
    const rank = privilegeRank(r.privilege);
    const jit = r.mode === 'jit' ? F_JIT : 0;
    const via = Math.max(0, VIA.indexOf(r.via as (typeof VIA)[number]));
    const role = r.role === undefined ? undefined : this.roles.get(r.role);
    if (r.role !== undefined && !role) this.warnings.push(`grant ${r.id}: unknown role ${r.role} (kept without it)`);
    const rec = this.record(r.id, 1, p, via, tool, role?.name ?? '');
    const pIsTool = this.kind.a[p] === N_TOOL || pk === 'tool';
    const vault = (v: number) => this.toolKinds.get(v) === 'password-vault';
    const kind =
      this.kind.a[t] === N_TOOL ? E_SIGN_IN
      : pIsTool ? (vault(p) || r.via === 'password-vault' ? E_CREDENTIAL : E_TOOL_MANAGES)
      : E_GRANT;
    if (role && r.role !== undefined) {
      // One role node per (role, target): principals holding the same role on the same target share it,
      // and nobody reaches another target through it.
      const rk = `${r.role}@${this.key[t]}`;
      let rs = this.roleScopes.get(rk);
      if (rs === undefined) {
        rs = this.node(N_ROLE, rk, `${role.name} @ ${this.name[t]}`, this.tenantKey[t]!);
        this.roleScopes.set(rk, rs);
        this.edge(rs, t, PASS, 0, E_ROLE_SCOPE, -1);
      }
      this.edge(p, rs, rank, jit, kind, rec);
    } else {
      this.edge(p, t, rank, jit, kind, rec);
    }
    // Access that runs through a tool is also the tool's channel into the target: a compromised
    // tool (or vault) reaches it with the same privilege, whatever the human's activation mode.
    if (tool >= 0 && tool !== p && tool !== t) this.edge(tool, t, rank, 0, vault(tool) || r.via === 'password-vault' ? E_CREDENTIAL : E_TOOL_MANAGES, rec);
    return true;
  }

  /** Every record of a model or workspace, in dependency order. */
  addAll(input: GraphInput): this {
    for (const r of input.organization ?? []) this.organization(r);
    for (const r of input.identity ?? []) this.identity(r);
    for (const r of input.group ?? []) this.group(r);
    for (const r of input.membership ?? []) this.membership(r);
    for (const r of input.role ?? []) this.role(r);
    for (const r of input.asset ?? []) this.asset(r);
    for (const r of input.grant ?? []) this.grant(r);
    return this;
  }

  /** Finishes the graph: contained assets, admin groups, MFA flags and the CSR layout. */
  build(): AccessGraph {
    for (const r of this.pendingMemberships) if (!this.placeMembership(r)) this.warnings.push(`membership ${r.group}>${r.member}: unknown group or member`);
    for (const r of this.pendingGrants) if (!this.placeGrant(r)) this.warnings.push(`grant ${r.id}: unknown principal, target or tool`);
    this.pendingMemberships = [];
    this.pendingGrants = [];
    const V = this.key.length;
    const tenant = new Int32Array(V);
    const kind = this.kind.view();
    const nodeFlags = this.flags.view().slice();
    for (let v = 0; v < V; v++) {
      const o = this.orgs.get(this.tenantKey[v]!);
      tenant[v] = o ?? -1;
      if (o === undefined && kind[v] !== N_ROLE) this.warnings.push(`${this.key[v]}: unknown tenant ${this.tenantKey[v]}`);
      if (o !== undefined && this.orgIsMsp.has(o)) nodeFlags[v]! |= NF_MSP;
    }
    // An organization contains its assets: whoever holds it holds them, with the same privilege.
    for (const v of this.assets.values()) if (tenant[v]! >= 0) this.edge(tenant[v]!, v, PASS, 0, E_CONTAINS, -1);
    // A customer's own privileged group (Domain Admins, IT Admins) administers that customer, whatever
    // grants it also holds: that is what marking it privileged means.
    for (const gNode of this.privilegedGroups) {
      const o = tenant[gNode]!;
      if (o >= 0 && !this.orgIsMsp.has(o)) {
        this.edge(gNode, o, privilegeRank('admin'), 0, E_ADMIN_GROUP, -1);
      }
    }
    const E = this.src.n;
    const src = this.src.view();
    const eflags = this.eflags.view();
    // A password alone does not cross an identity's own sign-ins once it has a second factor.
    for (let e = 0; e < E; e++) if (kind[src[e]!] === N_IDENTITY && nodeFlags[src[e]!]! & NF_MFA) eflags[e]! |= F_NEEDS_MFA;
    return this.layout(V, E, kind, nodeFlags, tenant);
  }

  private layout(V: number, E: number, kind: Uint8Array, nodeFlags: Uint8Array, tenant: Int32Array): AccessGraph {
    const csr = layoutCsr({ V, E, kind, nodeFlags, src: this.src.view(), dst: this.dst.view(), priv: this.priv.view(), flags: this.eflags.view(), edgeKind: this.ekind.view(), record: this.erec.view() });
    const customerList: number[] = [];
    const customerIndex = new Int32Array(V).fill(-1);
    for (const [, v] of this.orgs) {
      if (this.orgIsMsp.has(v)) continue;
      customerIndex[v] = customerList.length;
      customerList.push(v);
    }
    const declaredEndpoints = new Int32Array(V);
    for (const [v, n] of this.declared) declaredEndpoints[v] = n;
    const maps = { identity: this.identities, group: this.groups, organization: this.orgs, asset: this.assets };
    const recIds = this.recIds;
    let edgesOfRecord: ((id: string) => number[]) | undefined;
    return {
      nodeCount: V,
      edgeCount: E,
      kind: kind.slice(),
      nodeFlags,
      tenant,
      key: this.key,
      name: this.name,
      ...csr,
      records: {
        ids: recIds,
        kind: this.recKind.view().slice(),
        via: this.recVia.view().slice(),
        tool: this.recTool.view().slice(),
        principal: this.recPrincipal.view().slice(),
        role: this.recRole,
      },
      customers: Int32Array.from(customerList),
      customerIndex,
      declaredEndpoints,
      warnings: this.warnings,
      lookup: (k, key) => maps[k].get(key),
      edgesOf: (id) => (edgesOfRecord ??= recordIndex(csr.edgeRecord, recIds))(id),
    };
  }
}

/** Builds the access graph of a whole model (or any GraphInput). */
export const buildAccessGraph = (input: GraphInput, options: BuildOptions): AccessGraph => new GraphBuilder(options).addAll(input).build();

/** Whether a node is one of the hub's own principals or tools: an MSP identity or group, or any MSP tool. */
export const isHubSource = (g: AccessGraph, v: number): boolean => {
  const k = g.kind[v];
  return k === N_TOOL || ((k === N_IDENTITY || k === N_GROUP) && (g.nodeFlags[v]! & NF_MSP) !== 0);
};

