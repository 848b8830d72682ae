import { HubguardError } from '../../core/index.js';
import { jsonErrorOffset } from '../json-locate.js';
import { parseJsonLocated } from '../structured.js';
import { lineColumnAt } from '../text.js';
import { arrayElements, topLevelArray } from './json-split.js';
import { asObject, invalid, isDateLike, optString, reqArray, reqString, type Locate } from './fields.js';
import { CVE_ID, type NvdConfiguration, type NvdCpeMatch, type NvdCve, type NvdFeed, type NvdNode } from './types.js';

const BOUNDS = ['versionStartIncluding', 'versionStartExcluding', 'versionEndIncluding', 'versionEndExcluding'] as const;

function operator(v: unknown, locate: Locate, path: (string | number)[], required: boolean): 'OR' | 'AND' | undefined {
  if (v === undefined && !required) return undefined;
  if (v === 'OR' || v === 'AND') return v;
  invalid(locate, path, `operator must be "OR" or "AND", got ${JSON.stringify(v)}`);
}

function cpeMatch(item: unknown, locate: Locate, path: (string | number)[]): NvdCpeMatch {
  const o = asObject(item);
  if (!o) invalid(locate, path, 'expected an object');
  if (typeof o.vulnerable !== 'boolean') invalid(locate, [...path, 'vulnerable'], 'expected true or false');
  const criteria = reqString(o, 'criteria', locate, path);
  if (!criteria.startsWith('cpe:2.3:')) invalid(locate, [...path, 'criteria'], `"${criteria.slice(0, 60)}" is not a CPE 2.3 name`);
  const m: NvdCpeMatch = { vulnerable: o.vulnerable, criteria };
  const id = optString(o, 'matchCriteriaId', locate, path);
  if (id) m.matchCriteriaId = id;
  for (const b of BOUNDS) {
    const v = optString(o, b, locate, path);
    if (v !== undefined) m[b] = v;
  }
  return m;
}

function configuration(item: unknown, locate: Locate, path: (string | number)[]): NvdConfiguration {
  const o = asObject(item);
  if (!o) invalid(locate, path, 'expected an object');
  const nodes = reqArray(o, 'nodes', locate, path).map((n, j): NvdNode => {
    const np = [...path, 'nodes', j];
    const no = asObject(n);
    if (!no) invalid(locate, np, 'expected an object');
    return {
      operator: operator(no.operator, locate, [...np, 'operator'], true)!,
      negate: no.negate === true,
      cpeMatch: reqArray(no, 'cpeMatch', locate, np).map((m, k) => cpeMatch(m, locate, [...np, 'cpeMatch', k])),
    };
  });
  const c: NvdConfiguration = { nodes };
  const op = operator(o.operator, locate, [...path, 'operator'], false);
  if (op) c.operator = op;
  if (o.negate === true) c.negate = true;
  return c;
}

/** The best CVSS base score of a CVE: v4.0, else v3.1, v3.0, v2; the NVD (Primary) score first. */
function bestCvss(metrics: unknown): NvdCve['cvss'] {
  const m = asObject(metrics);
  if (!m) return undefined;
  for (const key of ['cvssMetricV40', 'cvssMetricV31', 'cvssMetricV30', 'cvssMetricV2']) {
    const list = m[key];
    if (!Array.isArray(list) || !list.length) continue;
    const sorted = [...list].sort((a, b) => Number(asObject(b)?.type === 'Primary') - Number(asObject(a)?.type === 'Primary'));
    for (const item of sorted) {
      const it = asObject(item);
      const data = asObject(it?.cvssData);
      if (!data || typeof data.baseScore !== 'number') continue;
      const out: NonNullable<NvdCve['cvss']> = { version: typeof data.version === 'string' ? data.version : key.slice(10), baseScore: data.baseScore };
      const sev = data.baseSeverity ?? it?.baseSeverity;
      if (typeof sev === 'string') out.baseSeverity = sev;
      if (typeof data.vectorString === 'string') out.vector = data.vectorString;
      return out;
    }
  }
  return undefined;
}

/** One `vulnerabilities[i].cve` object. */
function nvdCve(item: unknown, locate: Locate, path: (string | number)[]): NvdCve {
  const wrap = asObject(item);
  if (!wrap) invalid(locate, path, 'expected an object');
  const o = asObject(wrap.cve);
  if (!o) invalid(locate, [...path, 'cve'], 'required object is missing');
  const cp = [...path, 'cve'];
  const id = reqString(o, 'id', locate, cp);
  if (!CVE_ID.test(id)) invalid(locate, [...cp, 'id'], `"${id.slice(0, 40)}" is not a CVE id`);
  const cve: NvdCve = { id, configurations: [] };
  for (const k of ['published', 'lastModified', 'vulnStatus', 'cisaExploitAdd'] as const) {
    const v = optString(o, k, locate, cp);
    if (v !== undefined) cve[k] = v;
  }
  if (o.descriptions !== undefined) {
    const ds = reqArray(o, 'descriptions', locate, cp);
    const en = ds.map(asObject).find((d) => d?.lang === 'en' && typeof d.value === 'string');
    if (en) cve.description = en.value as string;
  }
  const cvss = bestCvss(o.metrics);
  if (cvss) cve.cvss = cvss;
  if (o.configurations !== undefined) {
    cve.configurations = reqArray(o, 'configurations', locate, cp).map((c, i) => configuration(c, locate, [...cp, 'configurations', i]));
  }
  return cve;
}

/** Whether a parsed JSON value is an NVD CVE API 2.0 page or 2.0 feed file. */
export const isNvdValue = (v: unknown): boolean => {
  const o = asObject(v);
  return !!o && o.format === 'NVD_CVE' && Array.isArray(o.vulnerabilities);
};

/**
 * Parses an NVD CVE API 2.0 response page or a 2.0 feed file (same shape:
 * `{resultsPerPage, startIndex, totalResults, format: "NVD_CVE", version:
 * "2.0", timestamp, vulnerabilities: [{cve}]}`). The feed date is `timestamp`
 * (NVD writes it without a zone; it is UTC).
 */
export function nvdFromJson(value: unknown, file: string, locate: Locate, opts: NvdParseOptions = {}): NvdFeed {
  const root = asObject(value);
  if (!root) invalid(locate, [], 'an NVD response is a JSON object');
  const list = reqArray(root, 'vulnerabilities', locate, []);
  return nvdFeed(root, file, locate, list.map((v, i) => nvdCve(v, locate, ['vulnerabilities', i])), opts);
}

/** How strictly a response is read. */
export interface NvdParseOptions {
  /** An API page: `startIndex`, `resultsPerPage` and `totalResults` are required (a feed file may lack them). */
  paged?: boolean;
}

/** The paging fields, when present, are whole numbers from 0; an API page must have them. */
function pagingField(root: Record<string, unknown>, key: string, locate: Locate, required: boolean): number | undefined {
  const v = root[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    invalid(locate, [key], v === undefined ? 'required field of an API page is missing' : `expected a whole number from 0, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** The feed around already-read CVEs, from the response's top-level fields. */
function nvdFeed(root: Record<string, unknown>, file: string, locate: Locate, cves: NvdCve[], opts: NvdParseOptions = {}): NvdFeed {
  if (root.format !== 'NVD_CVE') invalid(locate, ['format'], `expected "NVD_CVE", got ${JSON.stringify(root.format)}`);
  const version = reqString(root, 'version', locate, []);
  if (!version.startsWith('2.')) invalid(locate, ['version'], `only NVD CVE API 2.x is read, got "${version}" (the 1.1 feeds were retired in 2023)`);
  let timestamp = reqString(root, 'timestamp', locate, []);
  if (!isDateLike(timestamp)) invalid(locate, ['timestamp'], `"${timestamp}" is not a date-time`);
  if (/T[\d:.]+$/.test(timestamp)) timestamp += 'Z';
  const paged = opts.paged === true;
  pagingField(root, 'resultsPerPage', locate, paged);
  const startIndex = pagingField(root, 'startIndex', locate, paged) ?? 0;
  const totalResults = pagingField(root, 'totalResults', locate, paged) ?? cves.length;
  return {
    name: 'nvd',
    version,
    date: timestamp,
    source: file,
    format: 'json',
    startIndex,
    totalResults,
    cves,
  };
}

/** Texts from this size on are read record by record (see json-split.ts). */
export const NVD_SPLIT_THRESHOLD = 16 * 1024 * 1024;

/**
 * Reads a large NVD text one CVE at a time: the top-level fields are parsed
 * with an empty list, then each element of `vulnerabilities` on its own and
 * reduced to an NvdCve at once. Returns undefined when the text does not split
 * cleanly (the caller then parses it whole, for a precisely located error).
 */
export function nvdFromLargeText(text: string, file: string, opts: NvdParseOptions = {}): NvdFeed | undefined {
  const arr = topLevelArray(text, 'vulnerabilities');
  if (!arr) return undefined;
  let root: Record<string, unknown> | undefined;
  try {
    root = asObject(JSON.parse(text.slice(0, arr.start) + '[]' + text.slice(arr.end + 1)));
  } catch {
    return undefined;
  }
  if (!root) return undefined;
  const headLocate: Locate = () => ({ file });
  const cves: NvdCve[] = [];
  let i = 0;
  for (const [start, end] of arrayElements(text, arr.start, arr.end)) {
    const slice = text.slice(start, end);
    const at = (offset: number) => ({ file, ...lineColumnAt(text, start + offset) });
    let value: unknown;
    try {
      value = JSON.parse(slice);
    } catch (e) {
      const off = jsonErrorOffset(slice);
      throw new HubguardError('HG_ERR_JSON', `in vulnerabilities[${i}]`, at(off < 0 ? 0 : off), { cause: e });
    }
    cves.push(nvdCve(value, () => at(0), ['vulnerabilities', i]));
    i++;
  }
  return nvdFeed(root, file, headLocate, cves, opts);
}

/** Parses an NVD 2.0 JSON text. */
export function parseNvdJson(text: string, file: string, opts: NvdParseOptions = {}): NvdFeed {
  if (text.length >= NVD_SPLIT_THRESHOLD) {
    const feed = nvdFromLargeText(text, file, opts);
    if (feed) return feed;
  }
  const doc = parseJsonLocated(text, file);
  return nvdFromJson(doc.value, file, doc.locate, opts);
}
