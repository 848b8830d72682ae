/**
 * `csv`: any delimited export with a header line and a column map
 * (`--format csv --map time=ts,user=account,ip=src,outcome=result`). Without
 * a map, columns are found by common names (time/timestamp, user/account/upn,
 * ip/src_ip/client_ip, outcome/result/status). Fields follow RFC 4180
 * (double quotes, `""` inside quotes); the delimiter (`,` `;` or tab) is taken
 * from the header. Quoted fields spanning lines are not supported (`bad-csv`).
 */
import { HubguardError } from '../../core/errors.js';
import type { AuthEvent } from '../event.js';
import { chomp, classifyJunk, newEvent, setUser, toPort } from './build.js';
import { setSource } from './ip.js';
import { outcomeFromText, reasonFromText } from './reason.js';
import { parseAnyTime } from './time.js';
import type { LineParser, ParseContext, SkipReason } from './types.js';

/** Event field → column name. `time` and `outcome` are required, and `user` or `ip`. */
export interface ColumnMap {
  time?: string;
  user?: string;
  ip?: string;
  outcome?: string;
  port?: string;
  reason?: string;
  service?: string;
  target?: string;
  domain?: string;
}

const FIELDS = ['time', 'user', 'ip', 'outcome', 'port', 'reason', 'service', 'target', 'domain'] as const;
type Field = (typeof FIELDS)[number];

/** Column names tried, in order, when no map names the column. */
const GUESS: Record<Field, string[]> = {
  time: ['time', 'timestamp', '@timestamp', 'date', 'datetime', 'eventtime', 'event_time', 'timegenerated', 'createddatetime', 'ts'],
  user: ['user', 'username', 'user_name', 'account', 'login', 'userprincipalname', 'upn', 'targetusername', 'email'],
  ip: ['ip', 'src_ip', 'source_ip', 'sourceip', 'srcip', 'src', 'client_ip', 'clientip', 'ipaddress', 'ip_address', 'remote_ip', 'remoteip', 'rhost'],
  outcome: ['outcome', 'result', 'status', 'success', 'resulttype', 'action', 'event_outcome'],
  port: ['port', 'src_port', 'source_port', 'srcport'],
  reason: ['reason', 'failure_reason', 'failurereason', 'resultdescription', 'error', 'message'],
  service: ['service', 'app', 'application', 'product'],
  target: ['target', 'host', 'hostname', 'computer', 'appdisplayname', 'dest', 'destination'],
  domain: ['domain', 'user_domain', 'targetdomainname'],
};

/**
 * Parses `time=ts,user=account,ip=src,outcome=result`. Throws HG_ERR_USAGE
 * naming every unknown field or malformed pair.
 */
export function parseColumnMap(spec: string): ColumnMap {
  const map: ColumnMap = {};
  const bad: string[] = [];
  for (const part of spec.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    const field = eq > 0 ? p.slice(0, eq).trim() : '';
    const col = eq > 0 ? p.slice(eq + 1).trim() : '';
    if (!(FIELDS as readonly string[]).includes(field) || !col) bad.push(p);
    else map[field as Field] = col;
  }
  if (bad.length) throw new HubguardError('HG_ERR_USAGE', `--map: not field=column: ${bad.join(', ')} (fields: ${FIELDS.join(', ')})`);
  return map;
}

/** Splits one delimited line per RFC 4180; undefined when a quote is left open. */
export function splitCsv(line: string, delim = ','): string[] | undefined {
  const out: string[] = [];
  const d = delim.charCodeAt(0);
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return undefined;
        v += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          v += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(v);
      while (i < n && line.charCodeAt(i) !== d) i++; // stray text after a closing quote is dropped
    } else {
      let e = line.indexOf(delim, i);
      if (e < 0) e = n;
      out.push(line.slice(i, e));
      i = e;
    }
    if (i >= n) return out;
    i++; // delimiter
    if (i === n) {
      out.push('');
      return out;
    }
  }
}

interface CsvState {
  delim: string;
  cols: Partial<Record<Field, number>>;
  codeLike: boolean;
}

const norm = (h: string): string => h.trim().replace(/^\uFEFF/, '').replace(/\s*\[utc\]$/i, '').toLowerCase();

/** Resolves the header against a map (or the guesses); a list of what is missing when it cannot. */
function resolve(header: string[], map: ColumnMap | undefined): Partial<Record<Field, number>> | string {
  const names = header.map(norm);
  const cols: Partial<Record<Field, number>> = {};
  for (const f of FIELDS) {
    const wanted = map?.[f];
    if (wanted !== undefined) {
      const i = names.indexOf(norm(wanted));
      if (i < 0) return `column "${wanted}" (for ${f}) is not in the header`;
      cols[f] = i;
      continue;
    }
    for (const g of GUESS[f]) {
      const i = names.indexOf(g);
      if (i >= 0 && !Object.values(cols).includes(i)) {
        cols[f] = i;
        break;
      }
    }
  }
  if (cols.time === undefined || cols.outcome === undefined || (cols.user === undefined && cols.ip === undefined)) {
    return 'needs time, outcome and user or ip columns';
  }
  return cols;
}

function detectDelim(header: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, header.split(d).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]?.[0] ?? ',';
}

/** Builds the CSV parser with an optional column map. */
export function csvParser(map?: ColumnMap): LineParser {
  return {
    name: 'csv',
    description: 'Delimited export with a header; columns named by --map or by common names',
    detect(sample) {
      const header = sample.find((l) => l.trim() !== '');
      if (!header || header.startsWith('{') || header.startsWith('<')) return false;
      const cells = splitCsv(header, detectDelim(header));
      return !!cells && cells.length >= 3 && typeof resolve(cells, map) !== 'string';
    },
    parseLine(input, ctx) {
      const line = chomp(input);
      let st = ctx.state.csv as CsvState | undefined;
      if (line.trim() === '') return 'empty';
      if (!st) {
        const delim = detectDelim(line);
        const cells = splitCsv(line, delim);
        if (!cells) return 'bad-csv';
        const cols = resolve(cells, map);
        if (typeof cols === 'string') return classifyJunk(line) === 'unrecognized' ? 'bad-csv' : classifyJunk(line);
        const outName = norm(cells[cols.outcome as number] ?? '');
        st = { delim, cols, codeLike: /result|status|code|error/.test(outName) };
        ctx.state.csv = st;
        return 'header';
      }
      const cells = splitCsv(line, st.delim);
      if (!cells) return 'bad-csv';
      return mapRow(cells, st, ctx, line);
    },
  };
}

function mapRow(cells: string[], st: CsvState, ctx: ParseContext, line: string): AuthEvent[] | SkipReason {
  const get = (f: Field): string | undefined => {
    const i = st.cols[f];
    const v = i === undefined ? undefined : cells[i]?.trim();
    return v === '' ? undefined : v;
  };
  const time = parseAnyTime(get('time'), ctx);
  if (!Number.isFinite(time)) return 'bad-timestamp';
  const outcome = outcomeFromText(get('outcome'), st.codeLike);
  const ev = newEvent(ctx, line, time, (get('service') ?? 'csv').toLowerCase(), outcome);
  const reasonText = get('reason');
  if (outcome === 'failure') ev.reason = reasonFromText(reasonText ?? get('outcome'));
  ev.detail = reasonText ?? get('outcome');
  setSource(ev, get('ip'));
  ev.srcPort = toPort(get('port'));
  setUser(ev, get('user'), get('domain'));
  ev.target = get('target')?.toLowerCase();
  if (ev.user === undefined && ev.srcIp === undefined && ev.srcHost === undefined) return 'bad-record';
  return [ev];
}
