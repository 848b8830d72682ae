import { HubguardError, type Location } from '../../core/index.js';

/** Finds where a path is in the document (for error messages only). */
export type Locate = (path: readonly (string | number)[]) => Location;

/** A plain object, or undefined. */
export const asObject = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Throws HG_ERR_VALIDATION located at `path`, naming the field. */
export function invalid(locate: Locate, path: readonly (string | number)[], detail: string): never {
  const loc = locate(path);
  throw new HubguardError('HG_ERR_VALIDATION', detail, { ...loc, field: path.join('.') });
}

/** A required string field (trimmed). */
export function reqString(o: Record<string, unknown>, key: string, locate: Locate, path: readonly (string | number)[]): string {
  const v = o[key];
  if (typeof v !== 'string') invalid(locate, [...path, key], v === undefined ? 'required field is missing' : `expected a string, got ${typeof v}`);
  return v.trim();
}

/** An optional string field. */
export function optString(o: Record<string, unknown>, key: string, locate: Locate, path: readonly (string | number)[]): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') invalid(locate, [...path, key], `expected a string, got ${typeof v}`);
  return v;
}

/** A required array field. */
export function reqArray(o: Record<string, unknown>, key: string, locate: Locate, path: readonly (string | number)[]): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) invalid(locate, [...path, key], v === undefined ? 'required list is missing' : 'expected a list');
  return v;
}

/** YYYY-MM-DD */
export const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A date or date-time that Date can read. */
export const isDateLike = (s: string): boolean => /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s));
