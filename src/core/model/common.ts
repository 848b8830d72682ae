import { z } from 'zod';

export const Criticality = z.enum(['low', 'medium', 'high', 'critical']);
export type Criticality = z.infer<typeof Criticality>;

export const Severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;
/** Severities from most to least urgent, for sorting. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Whose duty a control is: the MSP, the customer, or both. */
export const Duty = z.enum(['msp', 'customer', 'shared']);
export type Duty = z.infer<typeof Duty>;

/** Who a contract assigns a control to; `unassigned` is itself a finding. */
export const Assignee = z.enum(['msp', 'customer', 'shared', 'unassigned']);
export type Assignee = z.infer<typeof Assignee>;

/** Privilege levels, ordered from least to most. */
export const PRIVILEGE_LEVELS = ['read', 'user', 'operator', 'admin', 'global-admin', 'system'] as const;
export const Privilege = z.enum(PRIVILEGE_LEVELS);
export type Privilege = z.infer<typeof Privilege>;
/** Rank of a privilege level: higher is more powerful. */
export const privilegeRank = (p: Privilege): number => PRIVILEGE_LEVELS.indexOf(p);

export const Tags = z.array(z.string().min(1)).default([]);
