import { z } from 'zod';
import { parseYamlWith, shippedCatalog } from './yaml-source.js';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a real date');

/** A product name (prose or NVD CPE product), optionally limited to version branches. */
const ProductRef = z.strictObject({
  product: z.string().trim().min(1),
  versions: z.array(z.string().trim().min(1)).min(1).optional(),
});

const Entry = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  name: z.string().min(1),
  vendors: z.array(z.string().trim().min(1)).min(1),
  match: z.array(ProductRef).min(1),
  except: z.array(ProductRef).default([]),
  endOfLife: Day,
  reference: z.string().min(1),
});

const LifecycleSchema = z
  .strictObject({
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version'),
    date: Day,
    source: z.string().min(1),
    products: z.array(Entry).min(1),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.products.forEach((e, i) => {
      if (seen.has(e.id)) ctx.addIssue({ code: 'custom', path: ['products', i, 'id'], message: `duplicate id "${e.id}" (first at products[${seen.get(e.id)}])` });
      else seen.set(e.id, i);
    });
  });

/** A product name of a lifecycle entry, with the version branches it is limited to (none: every version). */
export interface LifecycleProduct {
  readonly product: string;
  readonly versions?: readonly string[];
}

/** One release line of a product and the last day its vendor ships security fixes for it. */
export interface LifecycleEntry {
  readonly id: string;
  readonly name: string;
  readonly vendors: readonly string[];
  readonly match: readonly LifecycleProduct[];
  readonly except: readonly LifecycleProduct[];
  /** YYYY-MM-DD. */
  readonly endOfLife: string;
  /** The vendor's lifecycle page or notice. */
  readonly reference: string;
}

/** The product lifecycle catalog: versioned, dated content. */
export interface LifecycleCatalog {
  readonly version: string;
  readonly date: string;
  readonly source: string;
  readonly entries: readonly LifecycleEntry[];
}

/** Parses and validates lifecycle YAML; a problem throws HG_ERR_CATALOG located at its line. */
export function parseLifecycle(text: string, file: string): LifecycleCatalog {
  const data = parseYamlWith(text, file, LifecycleSchema);
  const ref = (p: z.output<typeof ProductRef>): LifecycleProduct =>
    Object.freeze({ product: p.product, ...(p.versions ? { versions: Object.freeze([...p.versions]) } : {}) });
  return Object.freeze({
    version: data.version,
    date: data.date,
    source: data.source.trim(),
    entries: Object.freeze(
      data.products.map((e) =>
        Object.freeze({
          id: e.id,
          name: e.name,
          vendors: Object.freeze([...e.vendors]),
          match: Object.freeze(e.match.map(ref)),
          except: Object.freeze(e.except.map(ref)),
          endOfLife: e.endOfLife,
          reference: e.reference.trim(),
        }),
      ),
    ),
  });
}

/** The shipped product lifecycle catalog (lifecycle.yaml next to this module), parsed once. */
export const lifecycleCatalog: () => LifecycleCatalog = shippedCatalog(new URL('./lifecycle.yaml', import.meta.url), parseLifecycle);
