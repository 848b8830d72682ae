import { z } from 'zod';
import { OrgId } from '../ids.js';
import { Criticality, Tags } from './common.js';

const Domain = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a DNS domain name')
  .transform((d) => d.toLowerCase());

export const Sector = z.enum([
  'healthcare', 'hospital', 'legal', 'finance', 'manufacturing', 'education', 'government',
  'retail', 'energy', 'water', 'nonprofit', 'technology', 'construction', 'other',
]);

/**
 * An organization: the MSP itself or one of its customers. A customer's key is
 * its tenant: every record that belongs to the customer carries it.
 */
export const Organization = z.strictObject({
  id: OrgId,
  name: z.string().min(1),
  kind: z.enum(['msp', 'customer']),
  /** The MSP that serves this customer (absent for an MSP). */
  msp: OrgId.optional(),
  domains: z.array(Domain).default([]),
  sector: Sector.default('other'),
  criticality: Criticality.default('medium'),
  /** Critical infrastructure customers (e.g. hospitals) weigh more in risk scores. */
  criticalInfrastructure: z.boolean().default(false),
  tags: Tags,
});
export type Organization = z.output<typeof Organization>;
