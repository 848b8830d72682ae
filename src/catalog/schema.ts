import { z } from 'zod';
import { AREAS, ControlId, Duty, Severity, areaOfControl } from '../core/index.js';

/**
 * The kinds of data that can show whether a control holds. Workspace record kinds
 * use the file base names of src/core/model/kinds.ts; the rest are external feeds
 * and files Hubguard imports. A closed list (not free text) so that an engine or a
 * report can tell which controls a given import makes assessable.
 */
export const EVIDENCE = [
  // Workspace records.
  'organizations', 'identities', 'groups', 'memberships', 'roles', 'grants', 'assets', 'services',
  'backups', 'log-sources', 'agreements', 'ir-plans', 'exercises',
  // Logs, scans, feeds and documents.
  'auth-logs', 'scans', 'kev-feed', 'epss-feed', 'nvd-feed', 'dns-records', 'dmarc-reports',
  'reported-emails', 'backup-reports', 'questionnaire',
] as const;
/** Schema of one evidence kind. */
export const Evidence = z.enum(EVIDENCE);
/** One kind of data that can show whether a control holds. */
export type Evidence = z.infer<typeof Evidence>;

const unique = <T>(items: readonly T[]) => new Set(items).size === items.length;

/**
 * Default parameters: camelCase names, non-negative numbers or booleans. Every
 * parameter so far is a count, a duration, a threshold or a switch, so a negative
 * value can only be a typo.
 */
const Defaults = z.record(
  z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'default names must be camelCase'),
  z.union([z.number().nonnegative(), z.boolean()]),
);

/** Schema of one control as written in controls.yaml. */
export const ControlSchema = z
  .strictObject({
    id: ControlId,
    area: z.number().int().min(0).max(AREAS.length - 1),
    title: z.string().trim().min(3).max(90),
    description: z.string().trim().min(10).max(600),
    duty: Duty,
    severity: Severity,
    defaults: Defaults.default({}),
    evidence: z.array(Evidence).min(1).refine(unique, 'evidence must not repeat'),
    references: z.array(z.string().trim().min(1)).min(1).refine(unique, 'references must not repeat'),
  })
  .superRefine((c, ctx) => {
    // The id carries the area so a finding's area can be read from its control id
    // alone (areaOfControl); the two must therefore never disagree.
    const slug = areaOfControl(c.id);
    const byId = AREAS.find((a) => a.slug === slug);
    if (!byId) {
      ctx.addIssue({
        code: 'custom',
        path: ['id'],
        message: `unknown area slug "${slug}" (expected one of ${AREAS.map((a) => a.slug).join(', ')})`,
      });
    } else if (byId.n !== c.area) {
      const named = AREAS[c.area];
      ctx.addIssue({
        code: 'custom',
        path: ['area'],
        message: `area ${c.area}${named ? ` (${named.slug})` : ''} does not match the id's area slug "${slug}" (area ${byId.n})`,
      });
    }
  });

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'must be a real calendar date');

/** Schema of the whole catalog file. */
export const CatalogSchema = z
  .strictObject({
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version like 1.2.0'),
    date: IsoDate,
    source: z.string().trim().min(1),
    controls: z.array(ControlSchema).min(1),
  })
  .superRefine((cat, ctx) => {
    const first = new Map<string, number>();
    cat.controls.forEach((c, i) => {
      const j = first.get(c.id);
      if (j === undefined) first.set(c.id, i);
      else {
        ctx.addIssue({
          code: 'custom',
          path: ['controls', i, 'id'],
          message: `duplicate id ${c.id}`,
          // Resolved to a YAML line by the parser, which alone knows the lines.
          params: { firstPath: ['controls', j, 'id'] },
        });
      }
    });
  });
