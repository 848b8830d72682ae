/**
 * The common reader of JSON log formats (journald, Winlogbeat/ECS, Entra,
 * Okta, OCSF). It accepts what the tools write: one object per line (NDJSON),
 * one array or API page on one line, and pretty-printed documents over many
 * lines (framed by json-frame.ts). Each format supplies a detector, an
 * optional cheap pre-filter on the record text (so that records that cannot
 * be authentication events are not parsed at all) and a record mapper.
 */
import type { AuthEvent } from '../event.js';
import { chomp, classifyJunk } from './build.js';
import { feed, framing, newFrame, reset, WRAPPER_KEYS, type FrameState } from './json-frame.js';
import { RAW_CAP, type LineParser, type ParseContext, type SkipReason } from './types.js';

/** What a JSON format provides. */
export interface JsonFormat {
  name: string;
  description: string;
  /** Whether the text of a sample (first lines joined) is this format. */
  detect(sampleText: string): boolean;
  /** Cheap test on a record's text before JSON.parse; false means it cannot be an authentication event. */
  prefilter?(text: string): boolean;
  /** Maps one record; `raw` is its text. */
  map(rec: Record<string, unknown>, ctx: ParseContext, raw: string): AuthEvent[] | SkipReason;
}

/** A one-line API page can be large (Graph returns up to 1000 sign-ins per page). */
const JSON_MAX_LINE = 64 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a string field; numbers are turned into text, anything else is undefined. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Reads a dotted path (`winlog.event_data.TargetUserName`), also when the dots are in one flat key. */
export function path(rec: Record<string, unknown>, dotted: string): unknown {
  if (dotted in rec) return rec[dotted];
  let cur: unknown = rec;
  let rest = dotted;
  while (isObject(cur)) {
    if (rest in cur) return cur[rest];
    const dot = rest.indexOf('.');
    if (dot < 0) return undefined;
    cur = cur[rest.slice(0, dot)];
    rest = rest.slice(dot + 1);
  }
  return undefined;
}

/** Collects the events of several records found on one line; extra skips go to `ctx.onSkip`. */
class Collector {
  events: AuthEvent[] = [];
  firstSkip: SkipReason | undefined;
  constructor(private readonly ctx: ParseContext) {}
  add(res: AuthEvent[] | SkipReason, line: number): void {
    if (typeof res !== 'string') {
      for (const e of res) this.events.push(e);
      return;
    }
    if (this.firstSkip === undefined) this.firstSkip = res;
    else this.ctx.onSkip?.(res, line);
  }
  result(): AuthEvent[] | SkipReason {
    if (this.events.length > 0) {
      if (this.firstSkip !== undefined) this.ctx.onSkip?.(this.firstSkip, this.ctx.line);
      return this.events;
    }
    return this.firstSkip ?? 'not-auth';
  }
}

/** Builds the line parser of a JSON format. */
export function jsonParser(fmt: JsonFormat): LineParser {
  const mapValue = (v: unknown, ctx: ParseContext, raw: string, out: Collector, line: number): void => {
    if (Array.isArray(v)) {
      for (const el of v) mapValue(el, ctx, isObject(el) ? JSON.stringify(el).slice(0, RAW_CAP) : raw, out, line);
      return;
    }
    if (!isObject(v)) {
      out.add('bad-record', line);
      return;
    }
    for (const k of WRAPPER_KEYS) {
      const inner = v[k];
      if (Array.isArray(inner) && (inner.length === 0 || isObject(inner[0]))) {
        mapValue(inner, ctx, raw, out, line);
        return;
      }
    }
    try {
      out.add(fmt.map(v, ctx, raw), line);
    } catch {
      // A mapper must never take the pipeline down on a record of unexpected shape.
      out.add('bad-record', line);
    }
  };

  const record = (text: string, ctx: ParseContext, out: Collector, line: number): void => {
    if (fmt.prefilter && !fmt.prefilter(text)) {
      out.add('not-auth', line);
      return;
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      out.add('bad-json', line);
      return;
    }
    mapValue(v, ctx, text.length > RAW_CAP ? text.slice(0, RAW_CAP) : text, out, line);
  };

  return {
    name: fmt.name,
    description: fmt.description,
    maxLine: JSON_MAX_LINE,
    detect: (sample) => fmt.detect(sample.join('\n')),
    parseLine(input, ctx) {
      const line = chomp(input);
      let st = ctx.state.frame as FrameState | undefined;
      const out = new Collector(ctx);
      if (!st || !framing(st)) {
        let a = 0;
        while (a < line.length && line.charCodeAt(a) <= 32) a++;
        if (a === line.length) return 'empty';
        const c = line.charCodeAt(a);
        if (c !== 123 && c !== 91) {
          const junk = classifyJunk(line);
          return junk === 'unrecognized' ? 'bad-json' : junk;
        }
        let b = line.length - 1;
        while (b > a && line.charCodeAt(b) <= 32) b--;
        const last = line.charCodeAt(b);
        if ((c === 123 && last === 125) || (c === 91 && last === 93)) {
          record(a === 0 && b === line.length - 1 ? line : line.slice(a, b + 1), ctx, out, ctx.line);
          return out.result();
        }
        st = newFrame();
        ctx.state.frame = st;
      }
      const framed = feed(st, line, ctx.line);
      if (framed.length === 0) return 'continued';
      const here = ctx.line;
      for (const f of framed) {
        if (f.error) out.add(f.error, f.line);
        else if (f.text !== undefined) {
          // Events of a multi-line record point at the line where it began.
          ctx.line = f.line;
          record(f.text, ctx, out, f.line);
          ctx.line = here;
        }
      }
      return out.result();
    },
    flush(ctx) {
      const st = ctx.state.frame as FrameState | undefined;
      if (!st || !framing(st)) return undefined;
      reset(st);
      return 'truncated';
    },
  };
}
