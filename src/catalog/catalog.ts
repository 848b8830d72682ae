import type { z } from 'zod';
import {
  AREAS,
  HubguardError,
  findArea,
  type ControlId,
  type Duty,
  type Location,
  type Severity,
} from '../core/index.js';
import { CatalogSchema, type Evidence } from './schema.js';
import { parseYamlWith, shippedCatalog } from './yaml-source.js';

export { EVIDENCE, Evidence } from './schema.js';

/** A tunable parameter value of a control: a number (days, counts, thresholds) or a switch. */
export type DefaultValue = number | boolean;

/** One control of the catalog: something that must be true, whose duty it is, and how bad a miss is. */
export interface Control {
  /** Stable forever: `hg.ctl.<area slug>.<name>`. */
  readonly id: ControlId;
  /** The advisory area, 0–12 (see AREAS in src/core/areas.ts). */
  readonly area: number;
  readonly title: string;
  /** What must be true, in plain words. */
  readonly description: string;
  /** Whose duty it is to make the control true. */
  readonly duty: Duty;
  /** Default severity of a finding against this control. */
  readonly severity: Severity;
  /** Named parameters users can tune (see resolveDefaults). */
  readonly defaults: Readonly<Record<string, DefaultValue>>;
  /** Which data shows whether the control holds. */
  readonly evidence: readonly Evidence[];
  /** Advisory sections and companion guidance the control comes from. */
  readonly references: readonly string[];
}

/** The control catalog: versioned content with stable ids. */
export interface Catalog {
  /** Semantic version of the content. */
  readonly version: string;
  /** Release date, YYYY-MM-DD. */
  readonly date: string;
  /** What the controls are derived from. */
  readonly source: string;
  /** Controls in file order (grouped by area). */
  readonly controls: readonly Control[];
}

// Compile-time guard: the hand-written types above must describe what the schema yields.
type _SchemaMatchesTypes = z.output<typeof CatalogSchema> extends Catalog ? true : never;
const _schemaMatchesTypes: _SchemaMatchesTypes = true;

/**
 * Parses and validates catalog YAML. Any problem throws `HG_ERR_CATALOG` located at
 * the YAML line of the offending value and naming the control it belongs to; when
 * there are several, the first (by line) is the location and the rest are listed in
 * the message, so one run shows every mistake.
 */
export function parseCatalog(text: string, file: string): Catalog {
  return deepFreeze(
    parseYamlWith(text, file, CatalogSchema, (issue, src) => {
      const path = issue.code === 'unrecognized_keys' && issue.keys[0] ? [...issue.path, issue.keys[0]] : issue.path;
      // zod words a missing key as a type error ("received undefined"); say what it means.
      let message = issue.code === 'invalid_type' && / received undefined$/.test(issue.message) ? 'required field is missing' : issue.message;
      const firstPath = issue.code === 'custom' ? (issue.params as { firstPath?: PropertyKey[] } | undefined)?.firstPath : undefined;
      if (firstPath) message += ` (first defined at line ${src.locate(firstPath).line})`;
      return `${entryName(src.data, path)}${message}`;
    }),
  );
}

/** `control hg.ctl.x.y: ` (or `controls[3]: ` before the id is known) for a path into a control. */
function entryName(data: unknown, path: readonly PropertyKey[]): string {
  if (path[0] !== 'controls' || typeof path[1] !== 'number') return '';
  const entry = (data as { controls?: unknown[] } | null)?.controls?.[path[1]];
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id ? `control ${id}: ` : `controls[${path[1]}]: `;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const load = shippedCatalog(new URL('./controls.yaml', import.meta.url), (text, file) => {
  const catalog = parseCatalog(text, file);
  return { catalog, byId: new Map(catalog.controls.map((c) => [c.id, c])) as ReadonlyMap<string, Control> };
});

/**
 * The shipped catalog (controls.yaml next to this module), parsed on first use and
 * cached. It is deeply frozen because every engine shares it: tuning happens in
 * resolveDefaults, never by editing the shared object.
 */
export function catalog(): Catalog {
  return load().catalog;
}

/** Version of the shipped catalog; findings and reports record it so results can be traced to their content. */
export const CATALOG_VERSION: string = catalog().version;

/** Whether `id` is the id of a control in the shipped catalog (not merely well-formed). */
export function isControlId(id: unknown): id is ControlId {
  return typeof id === 'string' && load().byId.has(id);
}

/** The control with this id; throws `HG_ERR_UNKNOWN_CONTROL` (with a suggestion when one is close). */
export function control(id: string): Control {
  const found = load().byId.get(id);
  if (!found) throw new HubguardError('HG_ERR_UNKNOWN_CONTROL', `${id}${suggest(id)}`);
  return found;
}

/**
 * Controls of one area, by number (`5`) or slug (`privilege`), in catalog order.
 * An unknown area throws `HG_ERR_VALIDATION` rather than returning nothing, so a
 * typo cannot pass as "no controls".
 */
export function controlsInArea(slugOrNumber: string | number): readonly Control[] {
  const area = findArea(slugOrNumber);
  if (!area) {
    const known = AREAS.map((a) => `${a.n}/${a.slug}`).join(', ');
    throw new HubguardError('HG_ERR_VALIDATION', `unknown area "${slugOrNumber}" (one of ${known})`);
  }
  return catalog().controls.filter((c) => c.area === area.n);
}

/** A numeric default of a control. A missing or non-numeric default is a catalog bug: `HG_ERR_CATALOG`. */
export function controlDefault(id: string, name: string): number {
  const value = defaultOf(id, name);
  if (typeof value !== 'number') {
    throw new HubguardError('HG_ERR_CATALOG', `default "${name}" of ${id} is a switch, not a number (use controlFlag)`);
  }
  return value;
}

/** A boolean default (a switch) of a control. A missing or non-boolean default throws `HG_ERR_CATALOG`. */
export function controlFlag(id: string, name: string): boolean {
  const value = defaultOf(id, name);
  if (typeof value !== 'boolean') {
    throw new HubguardError('HG_ERR_CATALOG', `default "${name}" of ${id} is a number, not a switch (use controlDefault)`);
  }
  return value;
}

function defaultOf(id: string, name: string): DefaultValue {
  const c = control(id);
  const value = Object.hasOwn(c.defaults, name) ? c.defaults[name] : undefined;
  if (value === undefined) {
    const has = Object.keys(c.defaults);
    throw new HubguardError(
      'HG_ERR_CATALOG',
      `${id} has no default "${name}" (${has.length ? `it has ${has.join(', ')}` : 'it has no defaults'})`,
    );
  }
  return value;
}

/**
 * A control's defaults with a user's overrides applied. Overrides may only change
 * parameters the control defines, keeping their type (a number stays a
 * non-negative number, a switch a boolean); anything else is `HG_ERR_CONFIG`
 * located at `file` and `<control id>.<name>`, so a typo in a settings file cannot
 * silently leave the default in force.
 */
export function resolveDefaults(
  id: string,
  overrides: Readonly<Record<string, unknown>> = {},
  file = '<settings>',
): Readonly<Record<string, DefaultValue>> {
  const c = control(id);
  const out: Record<string, DefaultValue> = { ...c.defaults };
  for (const [name, value] of Object.entries(overrides)) {
    const where: Location = { file, field: `${id}.${name}` };
    const base = Object.hasOwn(c.defaults, name) ? c.defaults[name] : undefined;
    if (base === undefined) {
      const has = Object.keys(c.defaults);
      throw new HubguardError('HG_ERR_CONFIG', `${id} has no parameter "${name}" (${has.length ? `it has ${has.join(', ')}` : 'it has none'})`, where);
    }
    if (typeof base === 'number' && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new HubguardError('HG_ERR_CONFIG', `must be a non-negative number, got ${JSON.stringify(value)}`, where);
    }
    if (typeof base === 'boolean' && typeof value !== 'boolean') {
      throw new HubguardError('HG_ERR_CONFIG', `must be true or false, got ${JSON.stringify(value)}`, where);
    }
    out[name] = value as DefaultValue;
  }
  return Object.freeze(out);
}

/**
 * Throws `HG_ERR_UNKNOWN_CONTROL` listing every id not in the catalog. Modules that
 * name controls (detectors, engines, reports) call it once at load time, so a
 * renamed or mistyped id fails at start-up and in tests, not in a finding.
 * `where` names the caller in the message.
 */
export function assertKnownControls(ids: Iterable<string>, where?: string): void {
  const unknown = [...new Set(ids)].filter((id) => !isControlId(id));
  if (unknown.length === 0) return;
  const list = unknown.map((id) => `${id}${suggest(id)}`).join(', ');
  throw new HubguardError('HG_ERR_UNKNOWN_CONTROL', where ? `${where}: ${list}` : list);
}

/** ` (did you mean …?)` for the closest known id within a small edit distance, else ''. */
function suggest(id: string): string {
  // Allow about one edit per five characters (at least 3): enough for a typo or a
  // renamed word, few enough that unrelated ids are not offered.
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(id.length / 5)) + 1;
  for (const known of load().byId.keys()) {
    const d = editDistance(id, known);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best ? ` (did you mean ${best}?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
