import { z } from 'zod';
import { Severity } from '../core/index.js';
import { parseYamlWith, shippedCatalog } from './yaml-source.js';

/** What kind of exposure an entry is; it decides the control a finding names. */
export const RiskyCategory = z.enum(['risky-service', 'management-interface', 'msp-tool-console']);
export type RiskyCategory = z.infer<typeof RiskyCategory>;

/** The control each category maps to. */
export const CATEGORY_CONTROL: Readonly<Record<RiskyCategory, string>> = {
  'risky-service': 'hg.ctl.prevent.exposed-services',
  'management-interface': 'hg.ctl.prevent.management-interfaces',
  'msp-tool-console': 'hg.ctl.prevent.management-interfaces',
};

const PORT_SPEC = /^(\d{1,5})(?:-(\d{1,5}))?\/(tcp|udp)$/;

const PortSpec = z.string().superRefine((s, ctx) => {
  const m = PORT_SPEC.exec(s);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
  if (!m || lo > 65535 || hi > 65535 || hi < lo) ctx.addIssue({ code: 'custom', message: 'must be port/proto or first-last/proto (tcp or udp, 0-65535)' });
});

const Pattern = z.string().min(1).superRefine((s, ctx) => {
  try {
    new RegExp(s, 'i');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(e as Error).message}` });
  }
});

const Entry = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  name: z.string().min(1),
  category: RiskyCategory,
  severity: Severity.exclude(['info']),
  ports: z.array(PortSpec).default([]),
  services: z.array(z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'must be a lower-case service name')).default([]),
  products: z.array(Pattern).default([]),
  reason: z.string().min(1),
  source: z.enum(['cisa-cyhy', 'bod-23-02', 'hubguard']),
}).refine((e) => e.ports.length + e.services.length + e.products.length > 0, { message: 'an entry needs ports, services or products to match on' });

const RiskySchema = z
  .strictObject({
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version'),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
    source: z.string().min(1),
    services: z.array(Entry).min(1),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.services.forEach((e, i) => {
      if (seen.has(e.id)) ctx.addIssue({ code: 'custom', path: ['services', i, 'id'], message: `duplicate id "${e.id}" (first at services[${seen.get(e.id)}])` });
      else seen.set(e.id, i);
    });
  });

/** A port range of an entry. */
export interface PortRange {
  from: number;
  to: number;
  protocol: 'tcp' | 'udp';
}

/** One entry of the risky-service catalog, with its patterns compiled. */
export interface RiskyService {
  readonly id: string;
  readonly name: string;
  readonly category: RiskyCategory;
  readonly severity: Exclude<Severity, 'info'>;
  readonly ports: readonly PortRange[];
  readonly services: readonly string[];
  readonly products: readonly RegExp[];
  readonly reason: string;
  readonly source: 'cisa-cyhy' | 'bod-23-02' | 'hubguard';
  /** The control a finding about this entry names. */
  readonly control: string;
}

export interface RiskyCatalog {
  readonly version: string;
  readonly date: string;
  readonly source: string;
  readonly entries: readonly RiskyService[];
}

/** Parses and validates risky-service YAML; a problem throws HG_ERR_CATALOG located at its line. */
export function parseRiskyServices(text: string, file: string): RiskyCatalog {
  const d = parseYamlWith(text, file, RiskySchema);
  return Object.freeze({
    version: d.version,
    date: d.date,
    source: d.source,
    entries: Object.freeze(
      d.services.map((e) =>
        Object.freeze({
          id: e.id,
          name: e.name,
          category: e.category,
          severity: e.severity,
          ports: Object.freeze(
            e.ports.map((p) => {
              const m = PORT_SPEC.exec(p)!;
              return { from: Number(m[1]), to: Number(m[2] ?? m[1]), protocol: m[3] as 'tcp' | 'udp' };
            }),
          ),
          services: Object.freeze([...e.services]),
          products: Object.freeze(e.products.map((p) => new RegExp(p, 'i'))),
          reason: e.reason.trim(),
          source: e.source,
          control: CATEGORY_CONTROL[e.category],
        }),
      ),
    ),
  });
}

/** The shipped risky-service catalog (risky-services.yaml next to this module), parsed once. */
export const riskyServices: () => RiskyCatalog = shippedCatalog(new URL('./risky-services.yaml', import.meta.url), parseRiskyServices);
