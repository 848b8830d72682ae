import type { DemoContext } from './context.js';
import { customerDevices, deviceLayout, type DeviceLayout, type Devices } from './devices.js';
import { customerGovernance, type Governance } from './governance.js';
import { customerGrants } from './grants.js';
import { customerPeople, type People } from './people.js';
import { customerProfile, type CustomerProfile } from './profile.js';
import { MSP, type Technician } from './staff.js';
import type { DemoFlaw, DemoRecordInputs } from './types.js';

type In<K extends keyof DemoRecordInputs> = DemoRecordInputs[K];

/**
 * One customer, re-derived on demand from (seed, i). Facets are computed
 * lazily and independently seeded, so the identity stream never builds devices
 * and the asset stream never builds agreements; a generator keeps only the
 * customer it is on.
 */
export class Customer {
  readonly profile: CustomerProfile;
  private _people?: People;
  private _devices?: Devices;
  private _layout?: DeviceLayout;
  private _grants?: ReturnType<typeof customerGrants>;
  private _governance?: Governance;

  constructor(
    private readonly ctx: DemoContext,
    private readonly techs: readonly Technician[],
    i: number,
  ) {
    this.profile = customerProfile(ctx, i);
  }

  /** Identities, groups, memberships and roles. */
  get people(): People {
    return (this._people ??= customerPeople(this.ctx, this.techs, this.profile));
  }

  /** Assets and exposed services. */
  get devices(): Devices {
    return (this._devices ??= customerDevices(this.ctx, this.profile, this.people));
  }

  private get grantFacet(): ReturnType<typeof customerGrants> {
    return (this._grants ??= customerGrants(this.ctx, this.techs, this.profile, this.people, this.layout));
  }

  /** Keys of the key assets, without building the inventory. */
  get layout(): DeviceLayout {
    return this._devices ?? (this._layout ??= deviceLayout(this.profile));
  }

  /** Access grants into the customer. */
  get grants(): In<'grant'>[] {
    return this.grantFacet.grants;
  }

  /** Backups, log sources, agreement, IR plan and exercises. */
  get governance(): Governance {
    return (this._governance ??= customerGovernance(this.ctx, this.profile, this.people, this.layout));
  }

  /** The customer's organization record. */
  organization(): In<'organization'> {
    const p = this.profile;
    return {
      id: p.id, name: p.name, kind: 'customer', msp: MSP.id, domains: [...p.domains], sector: p.sector,
      criticality: p.criticality, criticalInfrastructure: p.criticalInfrastructure, tags: [p.town.toLowerCase()],
    };
  }

  /** Every weakness planted at this customer. */
  flaws(): DemoFlaw[] {
    return [...this.people.flaws, ...this.devices.flaws, ...this.grantFacet.flaws, ...this.governance.flaws];
  }
}
