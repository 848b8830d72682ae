import type { RecordKindName } from '../core/index.js';
import { demoContext, type DemoContext } from './context.js';
import { Customer } from './customer.js';
import {
  mspDevices, mspGovernance, mspGrants, mspGroups, mspIdentities, mspMemberships, mspOrganization, mspRoles, technicianFlaws,
} from './msp.js';
import { mspToolAssets, mspToolFlaws, mspToolServices } from './msp-tools.js';
import { managedEndpoints } from './profile.js';
import { technicians, type Technician } from './staff.js';
import type { DemoFlaw, DemoOptions, DemoRecordInputs, DemoWorkspace } from './types.js';

/**
 * A stream of one record kind: the MSP's records, then each customer's in
 * turn. Only the customer being emitted is alive, so memory stays flat however
 * many customers there are.
 */
function stream<T>(ctx: DemoContext, techs: readonly Technician[], msp: () => Iterable<T>, perCustomer: (c: Customer) => Iterable<T>): () => Iterable<T> {
  return function* () {
    yield* msp();
    for (let i = 0; i < ctx.customers; i++) yield* perCustomer(new Customer(ctx, techs, i));
  };
}

/**
 * Generates the demo MSP workspace: Northwind Managed Services and its
 * customers, with deliberate weaknesses (see demoFlaws). Pure and lazy: each
 * kind's function streams plain objects in the workspace input shape of that
 * kind's schema, re-deriving every customer from (seed, customer number), so
 * the output is the same for the same (customers, seed, now) and can be
 * written out one record at a time.
 */
export function generateDemo(options: DemoOptions = {}): DemoWorkspace {
  const ctx = demoContext(options);
  const techs = technicians(ctx.seed, ctx.customers);
  const s = <T>(msp: () => Iterable<T>, per: (c: Customer) => Iterable<T>) => stream(ctx, techs, msp, per);
  return {
    organization: s(() => [mspOrganization()], (c) => [c.organization()]),
    identity: s(() => mspIdentities(ctx, techs), (c) => c.people.identities),
    group: s(mspGroups, (c) => c.people.groups),
    membership: s(() => mspMemberships(ctx, techs), (c) => c.people.memberships),
    role: s(mspRoles, (c) => c.people.roles),
    grant: s(() => mspGrants(ctx), (c) => c.grants),
    asset: function* () {
      // MSP tools come last: the RMM's managedEndpoints is the sum over every customer, counted on the way.
      yield* mspDevices(ctx, techs);
      let endpoints = 0;
      for (let i = 0; i < ctx.customers; i++) {
        const c = new Customer(ctx, techs, i);
        endpoints += managedEndpoints(c.profile);
        yield* c.devices.assets;
      }
      yield* mspToolAssets(ctx, endpoints);
    },
    service: s(() => mspToolServices(ctx), (c) => c.devices.services),
    backup: s(() => mspGovernance(ctx).backups, (c) => c.governance.backups),
    logSource: s(() => mspGovernance(ctx).logSources, (c) => c.governance.logSources),
    agreement: s(() => [], (c) => [c.governance.agreement]),
    irPlan: s(() => [mspGovernance(ctx).irPlan], (c) => (c.governance.irPlan ? [c.governance.irPlan] : [])),
    exercise: s(() => mspGovernance(ctx).exercises, (c) => c.governance.exercises),
    // Accepted risks are the user's decisions: the demo starts with none.
    suppression: function* (): Generator<DemoRecordInputs['suppression']> {},
  };
}

/**
 * Every weakness generateDemo plants for the same options, each naming the
 * record that carries it, so tests and engines can check each one is found.
 */
export function demoFlaws(options: DemoOptions = {}): DemoFlaw[] {
  const ctx = demoContext(options);
  const techs = technicians(ctx.seed, ctx.customers);
  const flaws: DemoFlaw[] = [...technicianFlaws(techs), ...mspToolFlaws(), ...mspGovernance(ctx).flaws];
  for (let i = 0; i < ctx.customers; i++) flaws.push(...new Customer(ctx, techs, i).flaws());
  return flaws;
}

/** Row counts of a workspace: per kind and in total (streams each kind once). */
export function countRows(ws: DemoWorkspace): { total: number; byKind: Record<RecordKindName, number> } {
  const byKind = {} as Record<RecordKindName, number>;
  let total = 0;
  for (const kind of Object.keys(ws) as RecordKindName[]) {
    let n = 0;
    for (const _ of ws[kind]()) n++;
    byKind[kind] = n;
    total += n;
  }
  return { total, byKind };
}

