/**
 * `windows-xml`: Windows events as XML, the output of
 * `wevtutil qe Security /f:xml`, of `Get-WinEvent | ForEach-Object { $_.ToXml() }`
 * and of Event Viewer's "Save as XML" (an `<Events>` root). One `<Event>`
 * element per record (schema http://schemas.microsoft.com/win/2004/08/events/event),
 * on one line or pretty-printed over many; several may share a line.
 *
 * The reader is not a general XML parser and does no DTD or entity
 * processing: it cuts `<Event>...</Event>` spans and reads the few elements it
 * needs. A document with `<!DOCTYPE` or `<!ENTITY` is refused from that point
 * on (`hostile-xml`): entity expansion ("billion laughs", external entities)
 * has no place in an event export. Only the five predefined entities and
 * character references are decoded (XML 1.0 §4.6, §4.1).
 */
import type { AuthEvent } from '../event.js';
import { chomp, classifyJunk } from './build.js';
import { parseIso } from './time.js';
import { MAX_RECORD, RAW_CAP, type LineParser, type ParseContext, type SkipReason } from './types.js';
import { mapWindows, type WinRecord } from './windows-map.js';

const HOSTILE = /<!(DOCTYPE|ENTITY)/i;

/** Decodes predefined entities and character references; any other `&name;` is left as written. */
export function xmlText(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (_, e: string) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
    }
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
  });
}

const RE_ID = /<EventID(?:\s[^>]*)?>\s*(\d+)\s*<\/EventID>/;
const RE_TIME = /<TimeCreated\s+SystemTime\s*=\s*["']([^"']+)["']/;
const RE_COMPUTER = /<Computer>([^<]*)<\/Computer>/;
const RE_KEYWORDS = /<Keywords>([^<]*)<\/Keywords>/;
const RE_DATA = /<Data\s+Name\s*=\s*["']([^"']+)["']\s*(?:\/>|>([^<]*)<\/Data>)/g;

/**
 * Reads one `<Event>` element's text into a {@link WinRecord}; a SkipReason
 * when it is hostile or lacks an EventID.
 */
export function readEventXml(xml: string): WinRecord | SkipReason {
  if (HOSTILE.test(xml)) return 'hostile-xml';
  const id = RE_ID.exec(xml);
  if (!id) return 'bad-xml';
  const t = RE_TIME.exec(xml);
  const data: Record<string, string | undefined> = {};
  RE_DATA.lastIndex = 0;
  for (let m = RE_DATA.exec(xml); m; m = RE_DATA.exec(xml)) data[m[1] as string] = m[2] === undefined ? undefined : xmlText(m[2]);
  const computer = RE_COMPUTER.exec(xml)?.[1];
  return {
    eventId: Number(id[1]),
    time: t ? parseIso(t[1] as string) : NaN,
    computer: computer === undefined ? undefined : xmlText(computer),
    keywords: RE_KEYWORDS.exec(xml)?.[1],
    data,
  };
}

/** Maps one event's XML text; `fallbackTime` stands in for a missing TimeCreated (EVTX record header time). */
export function mapEventXml(xml: string, ctx: ParseContext, fallbackTime?: number): AuthEvent[] | SkipReason {
  const r = readEventXml(xml);
  if (typeof r === 'string') return r;
  if (!Number.isFinite(r.time) && fallbackTime !== undefined) r.time = fallbackTime;
  return mapWindows(r, ctx, xml.length > RAW_CAP ? xml.slice(0, RAW_CAP) : xml);
}

interface XmlState {
  /** Lines of the event being collected (from its `<Event`), while one is open. */
  parts: string[];
  size: number;
  open: boolean;
  /** The open event outgrew {@link MAX_RECORD}: its text is dropped, its end awaited. */
  overflow: boolean;
  startLine: number;
  hostile: boolean;
}

const state = (ctx: ParseContext): XmlState => {
  let s = ctx.state.xml as XmlState | undefined;
  if (!s) {
    s = { parts: [], size: 0, open: false, overflow: false, startLine: 0, hostile: false };
    ctx.state.xml = s;
  }
  return s;
};

/** Finds `<Event>` or `<Event ...>` (not `<Events>` / `<EventData>` / `<EventID>`) from `i`. */
function eventStart(s: string, i: number): number {
  let k = s.indexOf('<Event', i);
  while (k >= 0) {
    const c = s.charCodeAt(k + 6);
    if (c === 62 || c === 32 || c === 9 || c === 10 || c === 13 || c === 47) return k;
    k = s.indexOf('<Event', k + 6);
  }
  return -1;
}

/** Windows event XML parser. */
export const windowsXml: LineParser = {
  name: 'windows-xml',
  description: 'Windows Security events as XML (wevtutil /f:xml, Get-WinEvent ToXml(), Event Viewer "Save as XML")',
  maxLine: 64 * 1024 * 1024,
  detect: (sample) => {
    const text = sample.join('\n');
    return /<Event[\s>]/.test(text) && (text.includes('<EventID') || text.includes('schemas.microsoft.com/win/2004/08/events'));
  },
  parseLine(input, ctx) {
    const line = chomp(input);
    const st = state(ctx);
    if (st.hostile) return 'hostile-xml';
    if (HOSTILE.test(line)) {
      // Refuse the rest of the document: what follows may be the DTD's internal subset or entity uses.
      st.hostile = true;
      st.open = false;
      st.parts = [];
      return 'hostile-xml';
    }
    const events: AuthEvent[] = [];
    let firstSkip: SkipReason | undefined;
    const report = (res: AuthEvent[] | SkipReason, at: number): void => {
      if (typeof res !== 'string') events.push(...res);
      else if (firstSkip === undefined) firstSkip = res;
      else ctx.onSkip?.(res, at);
    };
    const map = (xml: string, at: number): void => {
      const here = ctx.line;
      ctx.line = at;
      report(mapEventXml(xml, ctx), at);
      ctx.line = here;
    };
    let i = 0;
    let used = false;
    if (st.open) {
      // Only the new line is searched for the end: an event spread over many lines costs linear time.
      const e = line.indexOf('</Event>');
      if (e < 0) {
        st.size += line.length + 1;
        if (st.size > MAX_RECORD) {
          st.overflow = true;
          st.parts = [];
        } else if (!st.overflow) st.parts.push(line);
        return 'continued';
      }
      if (st.overflow || st.size + e + 8 > MAX_RECORD) report('record-too-large', st.startLine);
      else map(`${st.parts.join('\n')}\n${line.slice(0, e + 8)}`, st.startLine);
      st.open = false;
      st.overflow = false;
      st.parts = [];
      used = true;
      i = e + 8;
    }
    for (let s = eventStart(line, i); s >= 0; s = eventStart(line, i)) {
      const e = line.indexOf('</Event>', s);
      if (e < 0) {
        st.open = true;
        st.startLine = ctx.line;
        st.size = line.length - s;
        st.overflow = st.size > MAX_RECORD;
        st.parts = st.overflow ? [] : [line.slice(s)];
        if (!events.length && firstSkip === undefined) return 'continued';
        break;
      }
      map(line.slice(s, e + 8), ctx.line);
      used = true;
      i = e + 8;
    }
    if (events.length) {
      if (firstSkip !== undefined) ctx.onSkip?.(firstSkip, ctx.line);
      return events;
    }
    if (firstSkip !== undefined) return firstSkip;
    if (used) return 'not-auth';
    const t = line.trim();
    if (t === '') return 'empty';
    if (t.startsWith('<?xml') || t.startsWith('<Events') || t.startsWith('</Events') || t.startsWith('<!--')) return 'header';
    const junk = classifyJunk(line);
    return junk === 'unrecognized' ? 'bad-xml' : junk;
  },
  flush(ctx) {
    const st = state(ctx);
    if (!st.open) return undefined;
    st.open = false;
    st.parts = [];
    return 'truncated';
  },
};
