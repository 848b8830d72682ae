import { HubguardError } from '../../core/index.js';
import { csvRecords } from '../csv.js';
import { parseJsonLocated } from '../structured.js';
import { asObject, DAY, invalid, isDateLike, optString, reqArray, reqString, type Locate } from './fields.js';
import { CVE_ID, type KevEntry, type KevFeed } from './types.js';

/** The columns of the KEV CSV, in CISA's order (also the keys of a JSON entry). */
export const KEV_COLUMNS = [
  'cveID',
  'vendorProject',
  'product',
  'vulnerabilityName',
  'dateAdded',
  'shortDescription',
  'requiredAction',
  'dueDate',
  'knownRansomwareCampaignUse',
  'notes',
  'cwes',
] as const;

const REQUIRED = ['cveID', 'vendorProject', 'product', 'dateAdded'] as const;

/** Checks one entry's id and dates; `at(field)` locates a field for the error. */
function checkEntry(e: KevEntry, fail: (field: string, detail: string) => never): KevEntry {
  if (!CVE_ID.test(e.cveID)) fail('cveID', `"${e.cveID}" is not a CVE id (CVE-YYYY-NNNN)`);
  if (!DAY.test(e.dateAdded) || !isDateLike(e.dateAdded)) fail('dateAdded', `"${e.dateAdded}" is not a YYYY-MM-DD date`);
  if (e.dueDate && (!DAY.test(e.dueDate) || !isDateLike(e.dueDate))) fail('dueDate', `"${e.dueDate}" is not a YYYY-MM-DD date`);
  return e;
}

/** Rejects a catalog that lists a CVE twice: the store keys KEV by CVE. */
function noDuplicates(entries: KevEntry[], fail: (index: number, detail: string) => never): void {
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const first = seen.get(e.cveID);
    if (first !== undefined) fail(i, `${e.cveID} is listed twice (first as entry ${first + 1})`);
    seen.set(e.cveID, i);
  });
}

/** Parses the KEV JSON value (already parsed) of `file`. */
export function kevFromJson(value: unknown, file: string, locate: Locate): KevFeed {
  const root = asObject(value);
  if (!root) invalid(locate, [], 'a KEV catalog is a JSON object');
  const catalogVersion = reqString(root, 'catalogVersion', locate, []);
  const dateReleased = reqString(root, 'dateReleased', locate, []);
  if (!isDateLike(dateReleased)) invalid(locate, ['dateReleased'], `"${dateReleased}" is not a date-time`);
  const list = reqArray(root, 'vulnerabilities', locate, []);
  const entries = list.map((item, i): KevEntry => {
    const path = ['vulnerabilities', i];
    const o = asObject(item);
    if (!o) invalid(locate, path, 'expected an object');
    const cwes = o.cwes;
    if (cwes !== undefined && (!Array.isArray(cwes) || cwes.some((c) => typeof c !== 'string'))) invalid(locate, [...path, 'cwes'], 'expected a list of strings');
    const e: KevEntry = {
      cveID: reqString(o, 'cveID', locate, path),
      vendorProject: reqString(o, 'vendorProject', locate, path),
      product: reqString(o, 'product', locate, path),
      vulnerabilityName: optString(o, 'vulnerabilityName', locate, path) ?? '',
      dateAdded: reqString(o, 'dateAdded', locate, path),
      shortDescription: optString(o, 'shortDescription', locate, path) ?? '',
      requiredAction: optString(o, 'requiredAction', locate, path) ?? '',
      dueDate: optString(o, 'dueDate', locate, path)?.trim() ?? '',
      knownRansomwareCampaignUse: optString(o, 'knownRansomwareCampaignUse', locate, path) ?? 'Unknown',
      notes: optString(o, 'notes', locate, path) ?? '',
      cwes: ((cwes as string[] | undefined) ?? []).map((c) => c.trim()).filter(Boolean),
    };
    return checkEntry(e, (field, detail) => invalid(locate, [...path, field], detail));
  });
  noDuplicates(entries, (i, detail) => invalid(locate, ['vulnerabilities', i, 'cveID'], detail));
  const count = root.count;
  if (typeof count === 'number' && count !== entries.length) {
    invalid(locate, ['count'], `the catalog says ${count} entries but lists ${entries.length} (truncated download?)`);
  }
  return { name: 'kev', version: catalogVersion, date: dateReleased, source: file, format: 'json', entries };
}

/** Parses a KEV JSON text. */
export function parseKevJson(text: string, file: string): KevFeed {
  const doc = parseJsonLocated(text, file);
  return kevFromJson(doc.value, file, doc.locate);
}

/** Whether a CSV header line is KEV's. */
export const isKevCsvHeader = (firstLine: string): boolean => /^\uFEFF?"?cveID"?,"?vendorProject"?,/.test(firstLine);

/**
 * Parses the KEV CSV. It carries no catalog date, so the feed date is the
 * newest `dateAdded` (CISA publishes the catalog the day it adds entries) and
 * the version is `csv-<that date>`.
 */
export function parseKevCsv(text: string, file: string): KevFeed {
  const it = csvRecords(text, file);
  const head = it.next();
  if (head.done) throw new HubguardError('HG_ERR_CSV', 'empty file: a header row is required', { file, line: 1 });
  const header = head.value.cells.map((h) => h.trim());
  const index = new Map(header.map((h, i) => [h, i]));
  for (const col of REQUIRED) {
    if (!index.has(col)) throw new HubguardError('HG_ERR_MISSING_COLUMN', `${col} (a KEV CSV has ${KEV_COLUMNS.join(',')})`, { file, line: head.value.line });
  }
  const entries: KevEntry[] = [];
  const lines: number[] = [];
  for (const r of it) {
    if (r.cells.length !== header.length) throw new HubguardError('HG_ERR_CSV', `${r.cells.length} fields, the header has ${header.length}`, { file, line: r.line });
    const cell = (c: string) => {
      const i = index.get(c);
      return i === undefined ? '' : (r.cells[i] ?? '').trim();
    };
    const fail = (field: string, detail: string): never => {
      throw new HubguardError('HG_ERR_VALIDATION', detail, { file, line: r.line, field });
    };
    for (const col of REQUIRED) if (!cell(col)) fail(col, 'required value is empty');
    const e: KevEntry = {
      cveID: cell('cveID'),
      vendorProject: cell('vendorProject'),
      product: cell('product'),
      vulnerabilityName: cell('vulnerabilityName'),
      dateAdded: cell('dateAdded'),
      shortDescription: cell('shortDescription'),
      requiredAction: cell('requiredAction'),
      dueDate: cell('dueDate'),
      knownRansomwareCampaignUse: cell('knownRansomwareCampaignUse') || 'Unknown',
      notes: cell('notes'),
      cwes: cell('cwes')
        .split(/[,;]/)
        .map((c) => c.trim())
        .filter(Boolean),
    };
    entries.push(checkEntry(e, fail));
    lines.push(r.line);
  }
  noDuplicates(entries, (i, detail) => {
    throw new HubguardError('HG_ERR_DUPLICATE_KEY', detail, { file, line: lines[i], field: 'cveID' });
  });
  if (!entries.length) throw new HubguardError('HG_ERR_VALIDATION', 'the KEV CSV has no entries', { file });
  const newest = entries.reduce((m, e) => (e.dateAdded > m ? e.dateAdded : m), '');
  return { name: 'kev', version: `csv-${newest}`, date: newest, source: file, format: 'csv', entries };
}
