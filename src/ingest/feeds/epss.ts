import { HubguardError } from '../../core/index.js';
import { csvRecords } from '../csv.js';
import { isDateLike } from './fields.js';
import { CVE_ID, type EpssFeed, type EpssScore } from './types.js';

/** The metadata line FIRST puts above the header: `#model_version:v2025.03.14,score_date:2025-11-28T00:00:00Z`. */
const META = /^#\s*model_version:([^,\s]+),\s*score_date:(\S+)\s*$/;

/** Whether a text looks like an EPSS CSV (metadata line, or the bare header). */
export const isEpssText = (head: string): boolean => /^\uFEFF?#\s*model_version:/.test(head) || /^\uFEFF?cve,epss,percentile\s*$/m.test(head.split('\n', 1)[0] ?? '');

/**
 * Parses the FIRST EPSS CSV (already gunzipped and decoded). The
 * `#model_version:…,score_date:…` line is required unless `fallbackDate` is
 * given: without it the scores' date is unknown and staleness could not be shown.
 * Rows stream through the CSV reader, so only the scores are held.
 */
export function parseEpssCsv(text: string, file: string, opts: { fallbackDate?: string; format?: string } = {}): EpssFeed {
  let body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let startLine = 1;
  let modelVersion = 'unknown';
  let date = opts.fallbackDate;
  if (body.startsWith('#')) {
    const nl = body.indexOf('\n');
    const meta = (nl === -1 ? body : body.slice(0, nl)).replace(/\r$/, '');
    const m = META.exec(meta);
    if (!m) throw new HubguardError('HG_ERR_CSV', `expected "#model_version:<v>,score_date:<date>", got ${JSON.stringify(meta.slice(0, 80))}`, { file, line: 1 });
    modelVersion = m[1]!;
    date = m[2]!;
    if (!isDateLike(date)) throw new HubguardError('HG_ERR_VALIDATION', `score_date "${date}" is not a date`, { file, line: 1, field: 'score_date' });
    body = nl === -1 ? '' : body.slice(nl + 1);
    startLine = 2;
  }
  if (!date) throw new HubguardError('HG_ERR_CSV', 'missing the "#model_version:…,score_date:…" line: the scores have no date', { file, line: 1 });
  const it = csvRecords(body, file, { startLine });
  const head = it.next();
  if (head.done) throw new HubguardError('HG_ERR_CSV', 'no header row (cve,epss,percentile)', { file, line: startLine });
  const header = head.value.cells.map((h) => h.trim().toLowerCase());
  const ci = header.indexOf('cve');
  const ei = header.indexOf('epss');
  const pi = header.indexOf('percentile');
  if (ci < 0 || ei < 0 || pi < 0) {
    throw new HubguardError('HG_ERR_MISSING_COLUMN', `expected columns cve,epss,percentile, got ${head.value.cells.join(',').slice(0, 80)}`, { file, line: head.value.line });
  }
  const scores: EpssScore[] = [];
  const seen = new Set<string>();
  for (const r of it) {
    if (r.cells.length !== header.length) throw new HubguardError('HG_ERR_CSV', `${r.cells.length} fields, the header has ${header.length}`, { file, line: r.line });
    const cve = r.cells[ci]!.trim();
    if (!CVE_ID.test(cve)) throw new HubguardError('HG_ERR_VALIDATION', `"${cve.slice(0, 40)}" is not a CVE id`, { file, line: r.line, field: 'cve' });
    if (seen.has(cve)) throw new HubguardError('HG_ERR_DUPLICATE_KEY', `${cve} is scored twice`, { file, line: r.line, field: 'cve' });
    seen.add(cve);
    const num = (i: number, field: string) => {
      const s = r.cells[i]!.trim();
      const n = Number(s);
      if (s === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new HubguardError('HG_ERR_VALIDATION', `"${s.slice(0, 20)}" is not a number from 0 to 1`, { file, line: r.line, field });
      return n;
    };
    scores.push({ cve, epss: num(ei, 'epss'), percentile: num(pi, 'percentile') });
  }
  if (!scores.length) throw new HubguardError('HG_ERR_VALIDATION', 'the EPSS file has no scores', { file });
  return { name: 'epss', version: modelVersion, modelVersion, date, source: file, format: opts.format ?? 'csv', scores };
}
