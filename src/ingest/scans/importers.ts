import { HubguardError } from '../../core/index.js';
import type { CandidateBatch, Importer, ImportContext, InputFile } from '../importer.js';
import { readText, sniffText } from '../identity/records.js';
import { parseMasscanJson, parseMasscanNdjson, parseShodanLines } from './json-scans.js';
import { parseNmapXml } from './nmap.js';
import { scanBatches, type ScanHost } from './records.js';
import { DEFAULT_XML_LIMITS } from './xml.js';

/**
 * Scans are imported after workspace files (which may define the customer the
 * scan is attributed to) and after the organization file in particular.
 */
const SCAN_ORDER = 50;

function scanImporter(name: string, source: string, json: boolean, score: (text: string, file: InputFile) => number, parse: (text: string, file: string) => ScanHost[]): Importer {
  return {
    name,
    recognize: (file) => score(sniffText(file.head), file),
    order: () => SCAN_ORDER,
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

/** Shodan-style banners, one JSON object per line, with `ip_str` and `port`. */
export const shodanImporter = scanImporter('shodan-jsonl', 'shodan', true, (t) => {
  const l = firstLine(t);
  // A Shodan banner can be longer than the sniffed head: the port may come after it.
  if (!/^\{/.test(l) || !/"ip_str"\s*:/.test(l) || !(/"port"\s*:/.test(l) || /"_shodan"\s*:/.test(l))) return 0;
  return /"_shodan"\s*:/.test(l) ? 95 : 85;
}, parseShodanLines);

/** Every scan importer, for the registry. */
export const SCAN_IMPORTERS: readonly Importer[] = [nmapXmlImporter, masscanJsonImporter, masscanNdjsonImporter, shodanImporter];
