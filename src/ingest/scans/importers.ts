import { HubguardError } from '../../core/index.js';
import type { CandidateBatch, Importer, ImportContext, InputFile } from '../importer.js';
import { readText, sniffText } from '../identity/records.js';
import { parseMasscanJson, parseMasscanNdjson, parseShodanLines, parseShodanRest } from './json-scans.js';
import { parseNmapXml } from './nmap.js';
import { scanBatches, type ScanHost } from './records.js';
import { DEFAULT_XML_LIMITS } from './xml.js';

/**
 * Scans are imported after workspace files (which may define the customer the
 * scan is attributed to) and after the organization file in particular.
 */
const SCAN_ORDER = 50;

/**
 * When a scan was made, in Unix seconds, from the first bytes of its file: nmap's
 * `<nmaprun start=…>`, else the first record's `timestamp` (Unix seconds as masscan
 * writes them, or Shodan's UTC time without a zone); 0 when the head says nothing.
 */
export function scanTimeOf(head: string): number {
  const start = /<nmaprun\b[^>]*?\sstart="(\d{1,12})"/.exec(head)?.[1];
  if (start) return Number(start);
  const ts = /"timestamp"\s*:\s*"?([0-9][0-9T:.-]*)"?/.exec(head)?.[1];
  if (!ts) return 0;
  if (/^\d{1,12}$/.test(ts)) return Number(ts);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(ts) ? `${ts.replace(/(\.\d{3})\d+$/, '$1')}Z` : '');
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/**
 * Scans are imported in the order of their scan time (files without one first,
 * ties in the order listed), so that where two scans of one import saw the same
 * port, the later scan's observation is written last and wins (services are
 * merge records). The time only moves the order within [50, 51).
 */
const scanOrder = (file: InputFile): number => SCAN_ORDER + Math.min(scanTimeOf(sniffText(file.head)), 99_999_999_999) / 1e11;

function scanImporter(name: string, source: string, json: boolean, score: (text: string, file: InputFile) => number, parse: (text: string, file: string) => ScanHost[]): Importer {
  return {
    name,
    recognize: (file) => score(sniffText(file.head), file),
    order: scanOrder,
    async *read(file: InputFile, ctx: ImportContext): AsyncIterable<CandidateBatch> {
      if (!json && file.size > DEFAULT_XML_LIMITS.maxBytes) {
        // Checked before reading, so a huge file is not loaded to be refused.
        throw new HubguardError('HG_ERR_FILE_TOO_LARGE', `${file.size} bytes, limit ${DEFAULT_XML_LIMITS.maxBytes}`, { file: file.path });
      }
      const text = await readText(file.path, json);
      const hosts = parse(text, file.path);
      yield* scanBatches(hosts, ctx, source, file.path);
      ctx.progress(file.size);
    },
  };
}

/** The first non-blank line of a head, for JSON-lines sniffing. */
const firstLine = (t: string) => t.trimStart().split('\n', 1)[0] ?? '';

/** nmap `-oX` (and masscan `-oX`, which writes nmap's format): by the `<nmaprun` root or the nmap doctype. */
export const nmapXmlImporter = scanImporter('nmap-xml', 'nmap', false, (t) => {
  const s = t.trimStart();
  if (!s.startsWith('<')) return 0;
  if (/<nmaprun[\s>]/.test(s) || /<!DOCTYPE\s+nmaprun\b/i.test(s)) return 95;
  return 0;
}, (text, file) => parseNmapXml(text, file).hosts);

/** masscan `-oJ`: a JSON array of `{ "ip", "timestamp", "ports": [...] }`. */
export const masscanJsonImporter = scanImporter('masscan-json', 'masscan', true, (t) =>
  /^\s*\[\s*\{\s*"ip"\s*:/.test(t) && /"ports"\s*:/.test(t) && /"timestamp"\s*:/.test(t) ? 90 : 0, parseMasscanJson);

/** masscan `-oD`: JSON lines with `ip`, `port`, `proto` and `rec_type`. */
export const masscanNdjsonImporter = scanImporter('masscan-ndjson', 'masscan', true, (t) => {
  const l = firstLine(t);
  return /^\{/.test(l) && /"rec_type"\s*:\s*"(status|banner)"/.test(l) && /"ip"\s*:/.test(l) && /"port"\s*:/.test(l) ? 90 : 0;
}, parseMasscanNdjson);

/**
 * A Shodan REST API response, by content: one JSON object holding a list of banners,
 * `"matches": [` (a search) or `"data": [` (a host; a banner's own `data` is a string).
 */
const SHODAN_LIST = /"(matches|data)"\s*:\s*\[/;

/** Shodan-style banners, one JSON object per line, with `ip_str` and `port`. */
export const shodanImporter = scanImporter('shodan-jsonl', 'shodan', true, (t) => {
  const l = firstLine(t);
  // A Shodan banner can be longer than the sniffed head: the port may come after it.
  if (!/^\{/.test(l) || !/"ip_str"\s*:/.test(l) || !(/"port"\s*:/.test(l) || /"_shodan"\s*:/.test(l))) return 0;
  if (SHODAN_LIST.test(l)) return 0; // a one-line API response (below)
  return /"_shodan"\s*:/.test(l) ? 95 : 85;
}, parseShodanLines);

/** Shodan REST API responses saved as files: `/shodan/host/search` (`matches`) and `/shodan/host/{ip}` (`data`). */
export const shodanRestImporter = scanImporter('shodan-api', 'shodan', true, (t) => {
  const s = t.trimStart();
  if (!s.startsWith('{')) return 0;
  const list = SHODAN_LIST.exec(s)?.[1];
  if (!list) return 0;
  // The first banner can be longer than the sniffed head: a search is also known by its `total` or `facets`.
  const banner = /"(ip_str|_shodan)"\s*:/.test(s);
  if (list === 'matches') return banner || /"(total|facets)"\s*:/.test(s) ? 95 : 0;
  return banner && /"data"\s*:\s*\[\s*\{/.test(s) ? 95 : 0;
}, parseShodanRest);

/** Every scan importer, for the registry. */
export const SCAN_IMPORTERS: readonly Importer[] = [nmapXmlImporter, masscanJsonImporter, masscanNdjsonImporter, shodanImporter, shodanRestImporter];
