import { assertKnownControls } from '../../catalog/catalog.js';
import type { Engine, FindingDraft, Model } from '../engine.js';
import { AccessContext } from './context.js';
import { accountFindings } from './findings-accounts.js';
import { grantFindings } from './findings-grants.js';

/** Every control the access engine can emit. */
export const ACCESS_CONTROLS = [
  'hg.ctl.mfa.msp-accounts',
  'hg.ctl.mfa.weak-factors-privileged',
  'hg.ctl.privilege.standing-global-admin',
  'hg.ctl.privilege.legacy-dap',
  'hg.ctl.privilege.gdap-global-admin',
  'hg.ctl.privilege.gdap-auto-extend',
  'hg.ctl.privilege.gdap-duration',
  'hg.ctl.privilege.global-admin-count',
  'hg.ctl.segregation.credential-reuse',
  'hg.ctl.authn.msp-not-in-customer-admin-groups',
  'hg.ctl.authn.shared-accounts',
  'hg.ctl.authn.service-account-interactive',
  'hg.ctl.obsolete.stale-accounts',
  'hg.ctl.obsolete.departed-technicians',
  'hg.ctl.obsolete.ended-agreements',
  'hg.ctl.obsolete.unused-grants',
] as const;

// A renamed or mistyped control id fails when the module loads, not in a finding.
assertKnownControls(ACCESS_CONTROLS, 'access engine');

/**
 * Every access finding of a model at `now`: builds the access graph, computes
 * the radius of each principal the rules look at, and runs the account rules
 * and the grant rules. Findings are sorted for stable output.
 */
export function accessFindings(model: Model, now: Date): FindingDraft[] {
  const cx = new AccessContext(model, now);
  const out = [...accountFindings(cx), ...grantFindings(cx)];
  return out.sort((a, b) => a.tenant.localeCompare(b.tenant) || a.control.localeCompare(b.control) || a.subject.id.localeCompare(b.subject.id));
}

/** The access engine: the hub's blast radius turned into findings against the catalog. */
export const accessEngine: Engine = {
  name: 'access',
  controls: ACCESS_CONTROLS,
  run: (model, ctx) => accessFindings(model, ctx.now),
};
