import { parseJsonLocated } from '../structured.js';
import { asObject, invalid, optString, reqString, type Locate } from './fields.js';
import { CVE_ID, type Cve5Feed, type Cve5Info } from './types.js';

/** CISA's ADP container (Vulnrichment) is recognized by its short name. */
const CISA_ADP = /^CISA-ADP$/i;

/** Whether a parsed JSON value is a CVE JSON 5 record or a list of them. */
export const isCve5Value = (v: unknown): boolean => {
  const first = Array.isArray(v) ? v[0] : v;
  const o = asObject(first);
  return !!o && o.dataType === 'CVE_RECORD';
};

/** The SSVC decision points of CISA's ADP container, when the record has one. */
function ssvc(adp: unknown): Partial<Pick<Cve5Info, 'automatable' | 'technicalImpact' | 'exploitation'>> {
  const out: Partial<Pick<Cve5Info, 'automatable' | 'technicalImpact' | 'exploitation'>> = {};
  if (!Array.isArray(adp)) return out;
  for (const c of adp.map(asObject)) {
    const provider = asObject(c?.providerMetadata);
    const isCisa = typeof provider?.shortName === 'string' && CISA_ADP.test(provider.shortName);
    if (!isCisa || !Array.isArray(c?.metrics)) continue;
    for (const m of c.metrics.map(asObject)) {
      const other = asObject(m?.other);
      if (typeof other?.type !== 'string' || other.type.toLowerCase() !== 'ssvc') continue;
      const options = asObject(other.content)?.options;
      if (!Array.isArray(options)) continue;
      for (const opt of options.map(asObject)) {
        for (const [k, v] of Object.entries(opt ?? {})) {
          if (typeof v !== 'string') continue;
          const key = k.toLowerCase().replace(/\s+/g, '');
          if (key === 'automatable') out.automatable = v.toLowerCase();
          else if (key === 'technicalimpact') out.technicalImpact = v.toLowerCase();
          else if (key === 'exploitation') out.exploitation = v.toLowerCase();
        }
      }
    }
  }
  return out;
}

function record(value: unknown, locate: Locate, path: (string | number)[]): Cve5Info {
  const o = asObject(value);
  if (!o) invalid(locate, path, 'expected a CVE record object');
  if (o.dataType !== 'CVE_RECORD') invalid(locate, [...path, 'dataType'], `expected "CVE_RECORD", got ${JSON.stringify(o.dataType)}`);
  const meta = asObject(o.cveMetadata);
  if (!meta) invalid(locate, [...path, 'cveMetadata'], 'required object is missing');
  const mp = [...path, 'cveMetadata'];
  const id = reqString(meta, 'cveId', locate, mp);
  if (!CVE_ID.test(id)) invalid(locate, [...mp, 'cveId'], `"${id.slice(0, 40)}" is not a CVE id`);
  const info: Cve5Info = { id };
  const pub = optString(meta, 'datePublished', locate, mp);
  if (pub) info.datePublished = pub;
  const upd = optString(meta, 'dateUpdated', locate, mp);
  if (upd) info.dateUpdated = upd;
  const containers = asObject(o.containers);
  const cna = asObject(containers?.cna);
  if (typeof cna?.title === 'string') info.title = cna.title;
  else if (Array.isArray(cna?.descriptions)) {
    const en = cna.descriptions.map(asObject).find((d) => typeof d?.lang === 'string' && d.lang.startsWith('en') && typeof d.value === 'string');
    if (en) info.title = (en.value as string).slice(0, 300);
  }
  return { ...info, ...ssvc(containers?.adp) };
}

/**
 * Reads CVE JSON 5 records (one record, or a list of them): the CNA title and
 * CISA ADP's SSVC options (`Exploitation`, `Automatable`, `Technical Impact`).
 * The feed date is the newest `dateUpdated` (or `datePublished`).
 */
export function cve5FromJson(value: unknown, file: string, locate: Locate): Cve5Feed {
  const list = Array.isArray(value) ? value : [value];
  const records = list.map((v, i) => record(v, locate, Array.isArray(value) ? [i] : []));
  if (!records.length) invalid(locate, [], 'no CVE records');
  const date = records.reduce((m, r) => {
    const d = r.dateUpdated ?? r.datePublished ?? '';
    return d > m ? d : m;
  }, '');
  const first = asObject(list[0]);
  const version = typeof first?.dataVersion === 'string' ? first.dataVersion : '5';
  return { name: 'cve5', version, date: date || new Date(0).toISOString(), source: file, format: 'json', records };
}

/** Parses a CVE JSON 5 text. */
export function parseCve5Json(text: string, file: string): Cve5Feed {
  const doc = parseJsonLocated(text, file);
  return cve5FromJson(doc.value, file, doc.locate);
}
