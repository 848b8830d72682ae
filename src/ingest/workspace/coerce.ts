import type { z } from 'zod';
import type { Problem } from '../../core/index.js';

/** The shape of one field as CSV cells need to know it. */
export type FieldType = 'string' | 'number' | 'boolean' | 'list' | 'map' | 'other';

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Reads through optional/default/nullable/pipe wrappers to the base type of a field. */
export function fieldType(schema: z.ZodType): FieldType {
  let d = defOf(schema);
  for (;;) {
    if ((d.type === 'optional' || d.type === 'default' || d.type === 'nullable' || d.type === 'prefault') && d.innerType) {
      d = defOf(d.innerType);
    } else if (d.type === 'pipe' && d.in) {
      d = defOf(d.in);
    } else break;
  }
  switch (d.type) {
    case 'string':
    case 'enum':
    case 'literal':
      return 'string';
    case 'number':
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return 'list';
    case 'record':
      return 'map';
    default:
      return 'other';
  }
}

/** The field names of an object schema with their CSV types. */
export function objectFields(schema: z.ZodType): Map<string, FieldType> {
  const shape = defOf(schema).shape ?? {};
  return new Map(Object.entries(shape).map(([k, v]) => [k, fieldType(v)]));
}

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

/**
 * Turns the cells of one CSV row into the object the schema validates, following
 * the workspace conventions (`types` gives each column's field type, in header
 * order): an empty cell leaves the field out (its default
 * applies), lists are `;`-separated, maps are `key=value;key=value`, booleans
 * are true/false/yes/no/1/0. A cell that cannot be converted is reported and
 * left as text so validation reports the field too.
 */
export function csvRowToObject(
  header: readonly string[],
  cells: readonly string[],
  types: readonly (FieldType | undefined)[],
  where: { file: string; line: number },
  problems: Problem[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let c = 0; c < header.length; c++) {
    const name = header[c]!;
    const raw = cells[c]!.trim();
    if (raw === '') continue;
    switch (types[c]) {
      case 'number': {
        const v = Number(raw);
        if (!Number.isFinite(v) || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) {
          problems.push({ code: 'HG_ERR_VALIDATION', message: `expected a number, got "${clip(raw)}"`, location: { ...where, column: c + 1, field: name } });
        }
        out[name] = v;
        break;
      }
      case 'boolean': {
        const l = raw.toLowerCase();
        if (TRUE.has(l)) out[name] = true;
        else if (FALSE.has(l)) out[name] = false;
        else {
          problems.push({ code: 'HG_ERR_VALIDATION', message: `expected true or false, got "${clip(raw)}"`, location: { ...where, column: c + 1, field: name } });
          out[name] = raw;
        }
        break;
      }
      case 'list': {
        // One pass: split, trim and drop empty items without intermediate arrays.
        const items: string[] = [];
        for (const part of raw.split(';')) {
          const t = part.trim();
          if (t) items.push(t);
        }
        out[name] = items;
        break;
      }
      case 'map': {
        const m: Record<string, string> = {};
        for (const part of raw.split(';')) {
          const p = part.trim();
          if (!p) continue;
          const eq = p.indexOf('=');
          if (eq <= 0) {
            problems.push({ code: 'HG_ERR_VALIDATION', message: `expected key=value, got "${clip(p)}"`, location: { ...where, column: c + 1, field: name } });
            continue;
          }
          m[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
        }
        out[name] = m;
        break;
      }
      default:
        out[name] = raw;
    }
  }
  return out;
}

const clip = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}...` : s);
