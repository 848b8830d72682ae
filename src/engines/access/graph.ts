import { PRIVILEGE_LEVELS, type AccessPath, type MfaMethod, type Privilege } from '../../core/index.js';

/**
 * The access graph: who can reach what, compact enough for a 5,000-customer
 * MSP (a million nodes, millions of edges). Nodes are integers; edges live in
 * CSR form (one offsets array, parallel typed arrays per edge), never one
 * object per edge. Build it with GraphBuilder (graph-build.ts).
 */

/** Kinds of node. */
export const NODE_KINDS = ['identity', 'group', 'role', 'tool', 'organization', 'asset'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];
export const N_IDENTITY = 0;
export const N_GROUP = 1;
export const N_ROLE = 2;
export const N_TOOL = 3;
export const N_ORG = 4;
export const N_ASSET = 5;

/**
 * Kinds of edge. `member-of`, `role-scope` and `contains` carry privilege through
 * unchanged; the others carry the privilege of the grant they come from.
 */
export const EDGE_KINDS = [
  'member-of', 'grant', 'role-scope', 'tool-manages', 'credential-stored-in', 'can-sign-in-to', 'contains', 'admin-group',
] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];
export const E_MEMBER = 0;
export const E_GRANT = 1;
export const E_ROLE_SCOPE = 2;
export const E_TOOL_MANAGES = 3;
export const E_CREDENTIAL = 4;
export const E_SIGN_IN = 5;
export const E_CONTAINS = 6;
export const E_ADMIN_GROUP = 7;

/** Edge flag: just-in-time (needs an activation before it can be used). */
export const F_JIT = 1;
/** Edge flag: crossing it needs the identity's second factor, not only its password. */
export const F_NEEDS_MFA = 2;
/** Edge flag: removed by a what-if overlay. */
export const F_REMOVED = 4;

/** Node flag: a disabled account; nothing is reached through it. */
export const NF_DISABLED = 1;
/** Node flag: belongs to an MSP organization. */
export const NF_MSP = 2;
/** Node flag: an asset that counts as an endpoint (a device). */
export const NF_ENDPOINT = 4;
/** Node flag: an identity with at least one MFA method registered. */
export const NF_MFA = 8;

/** Privilege rank used on edges that carry privilege through unchanged (the top rank). */
export const PASS = PRIVILEGE_LEVELS.length - 1;

/** Access paths in index order, for the per-grant `via` array. */
export const VIA: readonly AccessPath[] = [
  'gdap', 'dap', 'rmm', 'remote-access', 'vpn', 'local-admin', 'password-vault', 'directory', 'backup-console', 'psa', 'other',
];

/** What a graph keeps about each grant or membership an edge comes from (for explanations and what-ifs). */
export interface EdgeRecords {
  /** Record keys: a grant id, or a membership key `group>member`. */
  readonly ids: string[];
  /** 0 = membership, 1 = grant. */
  readonly kind: Uint8Array;
  /** Index into VIA, for grants. */
  readonly via: Uint8Array;
  /** Tool node the grant runs through, or -1. */
  readonly tool: Int32Array;
  /** The grant's principal node, or the membership's member. */
  readonly principal: Int32Array;
  /** Role record name, or '' (grants only). */
  readonly role: string[];
}

/**
 * The built graph. Out-edges of node `v` are `offsets[v] .. offsets[v+1]`; the
 * ones from `expandEnd[v]` on are `contains` edges into leaf assets, which
 * traversals account for in bulk (an organization passes its privilege to every
 * asset it contains) instead of visiting them one by one.
 */
export interface AccessGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly kind: Uint8Array;
  readonly nodeFlags: Uint8Array;
  /** Organization node of the node's tenant, or -1. */
  readonly tenant: Int32Array;
  /** Natural key of the record behind the node (role nodes: `role@target`). */
  readonly key: string[];
  readonly name: string[];
  readonly offsets: Int32Array;
  readonly expandEnd: Int32Array;
  readonly target: Int32Array;
  /** Privilege rank (index into PRIVILEGE_LEVELS). */
  readonly priv: Uint8Array;
  readonly flags: Uint8Array;
  readonly edgeKind: Uint8Array;
  /** Index into `records`, or -1. */
  readonly edgeRecord: Int32Array;
  readonly records: EdgeRecords;
  /** Customer organization nodes; `customerIndex[node]` is the position here, or -1. */
  readonly customers: Int32Array;
  readonly customerIndex: Int32Array;
  /** For organization nodes: leaf assets contained, and how many of those are endpoints. */
  readonly leafAssets: Int32Array;
  readonly leafEndpoints: Int32Array;
  /** Endpoints an MSP tool declares it manages (`managedEndpoints`), per node (0 elsewhere). */
  readonly declaredEndpoints: Int32Array;
  /** Records that could not be placed (unknown references), with the reason. */
  readonly warnings: string[];
  /** Node id of a record: `lookup('identity', 'ana@x')`. */
  lookup(kind: 'identity' | 'group' | 'organization' | 'asset', key: string): number | undefined;
  /** Edge indices that come from one grant id or membership key. */
  edgesOf(record: string): number[];
}

/** The node an edge leaves from (CSR keeps only offsets, so this is a binary search). */
export function edgeSource(g: AccessGraph, e: number): number {
  let lo = 0;
  let hi = g.nodeCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (g.offsets[mid]! <= e) lo = mid;
    else hi = mid - 1;
  }
  // Nodes without out-edges share their offset with the next node: step to the one that owns e.
  while (g.offsets[lo + 1]! <= e) lo++;
  return lo;
}

/** Privilege name of a rank. */
export const privilegeName = (rank: number): Privilege => PRIVILEGE_LEVELS[Math.max(0, Math.min(PASS, rank))] as Privilege;

/** MFA methods present: the identity can be asked for a second factor. */
export const hasMfa = (mfa: readonly MfaMethod[] | undefined): boolean => (mfa?.length ?? 0) > 0;

/** Whether a node is an access target a radius reports (an organization, asset or tool). */
export const isTarget = (g: AccessGraph, v: number): boolean => {
  const k = g.kind[v];
  return k === N_ORG || k === N_ASSET || k === N_TOOL;
};

/**
 * Whether a node is a leaf asset: no out-edges and not a tool. Its
 * organization's `contains` edge into it is taken in bulk by traversals.
 */
export const isBulkLeaf = (g: AccessGraph, v: number): boolean => g.kind[v] === N_ASSET && g.offsets[v] === g.offsets[v + 1];

/** A printable reference to a node. */
export interface NodeRef {
  kind: NodeKind;
  id: string;
  name: string;
}

/** The node as a reference (kind, key, display name). */
export const nodeRef = (g: AccessGraph, v: number): NodeRef => ({
  kind: NODE_KINDS[g.kind[v]!] as NodeKind,
  id: g.key[v]!,
  name: g.name[v]!,
});
