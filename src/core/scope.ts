import type { OrgId } from './ids.js';
import { HubguardError } from './errors.js';

/**
 * The caller's tenant scope. Every repository call takes one: `all` for an MSP
 * operator (or the CLI acting on the local database), or the list of tenants a
 * user may see. There is no way to call a repository without a scope.
 */
export type Scope =
  | { readonly kind: 'all'; readonly actor: string }
  | { readonly kind: 'tenants'; readonly actor: string; readonly tenants: readonly OrgId[] };

/** A scope over every tenant, for operators and the local CLI. */
export const allTenants = (actor: string): Scope => ({ kind: 'all', actor });
/** A scope over the given tenants only. */
export const tenantsScope = (actor: string, tenants: readonly OrgId[]): Scope => ({ kind: 'tenants', actor, tenants });

/** Whether the scope allows the tenant. */
export function scopeAllows(scope: Scope, tenant: string): boolean {
  return scope.kind === 'all' || scope.tenants.includes(tenant as OrgId);
}

/** Throws HG_ERR_TENANT_SCOPE unless the scope allows the tenant. */
export function assertInScope(scope: Scope, tenant: string): void {
  if (!scopeAllows(scope, tenant)) {
    throw new HubguardError('HG_ERR_TENANT_SCOPE', `tenant ${tenant} is not in ${scope.actor}'s scope`);
  }
}
