import type { z } from 'zod';
import { catalog } from '../../catalog/catalog.js';
import {
  RECORD_KINDS, type AccessGrant, type Agreement, type Asset, type BackupJob, type Exercise, type IrPlan, type LogSource,
  type Organization, type RecordKindName,
} from '../../core/index.js';
import { emptyModel, type Engine, type FindingDraft, type Model } from '../engine.js';
import { DAY_MS, HOUR_MS } from './context.js';

/**
 * Helpers for the governance engines' tests: small models written the way a
 * workspace file is (defaults filled by the schemas), and a fixed "now".
 */

/** The instant every governance test runs at. */
export const NOW = new Date('2026-06-01T00:00:00Z');

/** ISO timestamp `days` (and `hours`) before NOW. */
export const ago = (days: number, hours = 0): string => new Date(NOW.getTime() - days * DAY_MS - hours * HOUR_MS).toISOString();

/** Input shapes of the record kinds the governance tests build. */
export interface Inputs {
  organization: z.input<typeof Organization>;
  asset: z.input<typeof Asset>;
  grant: z.input<typeof AccessGrant>;
  backup: z.input<typeof BackupJob>;
  logSource: z.input<typeof LogSource>;
  agreement: z.input<typeof Agreement>;
  irPlan: z.input<typeof IrPlan>;
  exercise: z.input<typeof Exercise>;
}

/** A model from workspace-shaped records, each parsed by its kind's schema. */
export function build(parts: { [K in keyof Inputs]?: Inputs[K][] }): Model {
  const m = emptyModel();
  for (const k of RECORD_KINDS) {
    const rows = (parts as Partial<Record<RecordKindName, unknown[]>>)[k.name] ?? [];
    for (const r of rows) (m[k.name] as unknown[]).push(k.schema.parse(r));
  }
  return m;
}

/** The MSP of every test model. */
export const MSP_ORG: Inputs['organization'] = { id: 'harbor', name: 'Harbor IT', kind: 'msp' };

/** A customer of the MSP. */
export const customer = (id: string, extra: Partial<Inputs['organization']> = {}): Inputs['organization'] => ({
  id, name: `Customer ${id}`, kind: 'customer', msp: 'harbor', ...extra,
});

/** A responsibility matrix assigning every catalog control to its catalog duty. */
export const fullMatrix = (): Record<string, 'msp' | 'customer' | 'shared' | 'unassigned'> =>
  Object.fromEntries(catalog().controls.map((c) => [c.id, c.duty]));

/** An agreement in force that passes every agreement check. */
export const goodAgreement = (tenant: string, extra: Partial<Inputs['agreement']> = {}): Inputs['agreement'] => ({
  id: `${tenant}:msa`, tenant, msp: 'harbor', title: `Agreement ${tenant}`, start: ago(100), end: ago(-900),
  servicesInScope: ['Service desk'], servicesOutOfScope: ['Physical security'], responsibilities: fullMatrix(),
  notifySuspected: true, notifyWithinHours: 24, rpoHours: 24, rtoHours: 8, ...extra,
});

/** Runs an engine at NOW. */
export const run = (engine: Engine, model: Model): FindingDraft[] => engine.run(model, { now: NOW });

/** The drafts of one control (and one subject id, if given). */
export const of = (drafts: readonly FindingDraft[], control: string, subjectId?: string): FindingDraft[] =>
  drafts.filter((d) => d.control === control && (subjectId === undefined || d.subject.id === subjectId));
