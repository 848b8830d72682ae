/**
 * `hubguard detect <files…|->`: finds brute force, password spraying and their
 * slow and distributed forms in authentication logs.
 *
 * Exit codes: 0 no alert, 3 alerts were raised (so scripts and cron can act on
 * it), 1 bad input (a missing or unreadable file, an unrecognized format, a bad
 * rules file), 2 usage errors.
 */
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { HubguardError, SEVERITY_ORDER, type Severity } from '../core/index.js';
import type { AlertSink, DetectionAlert } from '../detect/alerts.js';
import { parseSince } from '../detect/duration.js';
import { followInput } from '../detect/follow.js';
import { DetectionPipeline, fileInput, type Input, type PipelineCounters, type PipelineOptions } from '../detect/pipeline.js';
import { defaultRegistry } from '../detect/registry.js';
import { parseRuleFile, type RuleSet } from '../detect/rules.js';
import { firstEventTime } from '../detect/sniff.js';
import { parseCommandArgs } from './args.js';
import { type CliContext, type Command, println } from './context.js';
import { ProgressBar } from './progress.js';
import { databaseAlertSink } from './alert-store.js';
import { renderTable } from './table.js';

const USAGE =
  'hubguard detect <file…|-> [--format <name>] [--follow] [--since <ISO time|24h>] [--json] [--rules <file>] [--tenant <org id>] [--privileged <file>] [--store | --db <url>]';

/** Exit code when alerts were raised. */
export const EXIT_ALERTS = 3;

/** What the detect command can be given besides its arguments; the lead wires storage through `sinks`. */
export interface DetectDeps {
  /** Extra alert sinks (e.g. the database), built per run. */
  sinks?: (ctx: CliContext) => AlertSink[] | Promise<AlertSink[]>;
  /** Standard input for `-` (default: the process's). */
  stdin?: () => Readable;
  /** Stops `--follow` (default: SIGINT / SIGTERM). */
  signal?: AbortSignal;
  /** Extra pipeline options (tests: a parser registry). */
  pipeline?: Partial<PipelineOptions>;
  now?: () => Date;
  /** Leave V8's heap growth alone (an embedding process decides its own). */
  keepHeapPolicy?: boolean;
}

const n = (x: number): string => x.toLocaleString('en-US');

function stdinInput(deps: DetectDeps): Input {
  return { name: '-', live: true, open: () => (deps.stdin?.() ?? process.stdin) as AsyncIterable<Buffer> };
}

async function loadLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new HubguardError('HG_ERR_FILE_NOT_FOUND', path, { file: path });
  });
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

async function loadRules(path: string | undefined): Promise<RuleSet | undefined> {
  if (!path) return undefined;
  const text = await readFile(path, 'utf8').catch(() => {
    throw new HubguardError('HG_ERR_FILE_NOT_FOUND', path, { file: path });
  });
  return parseRuleFile(text, path);
}

/** Orders files by their first event, oldest first (rotated logs are listed newest first by shells). */
async function orderInputs(inputs: Input[], format: string | undefined, registry = defaultRegistry): Promise<Input[]> {
  if (inputs.length < 2) return inputs;
  const keyed = await Promise.all(
    inputs.map(async (i, idx) => ({ i, idx, t: i.name === '-' ? undefined : await firstEventTime(i.name, registry, i.fileTime, format) })),
  );
  keyed.sort((a, b) => (a.t ?? Infinity) - (b.t ?? Infinity) || a.idx - b.idx);
  return keyed.map((k) => k.i);
}

const sevRank = (s: Severity): number => SEVERITY_ORDER.indexOf(s);

let heapTamed = false;
/**
 * A detection run under attack holds a few hundred MB of window state that
 * lives for an hour or more, and V8's default growth lets the heap reach about
 * twice the live state between full collections. Once the heap is large,
 * growing by 20 % instead keeps the peak near the state (1 M-failure benchmark:
 * peak RSS about 690 MB down to 460 MB). Small heaps keep the default: there the
 * extra collections would cost a quarter of the throughput for nothing.
 */
function tameHeap(): void {
  if (heapTamed || process.memoryUsage().heapUsed < 64 * 1024 * 1024) return;
  heapTamed = true;
  setFlagsFromString('--heap-growing-percent=20');
}

/** The alert table printed on stdout. */
export function alertTable(alerts: DetectionAlert[]): string {
  const rows = [...alerts]
    .sort((a, b) => sevRank(a.severity) - sevRank(b.severity) || a.firstSeen.localeCompare(b.firstSeen))
    .map((a) => [
      a.severity,
      a.detector,
      a.tenant,
      a.firstSeen.slice(0, 19).replace('T', ' '),
      a.lastSeen.slice(0, 19).replace('T', ' '),
      a.count,
      a.distinctUsers,
      a.distinctSources,
      a.title,
    ]);
  return renderTable(['severity', 'detector', 'tenant', 'first seen (UTC)', 'last seen (UTC)', 'events', 'users', 'sources', 'what'], rows);
}

const top = (r: Record<string, number>): string =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');

/** The closing summary printed on stderr. */
export function summary(c: PipelineCounters, seconds: number, alerts: number): string[] {
  const skipped = Object.values(c.skipped).reduce((s, v) => s + v, 0);
  const rate = seconds > 0 ? ` (${n(Math.round(c.lines / seconds))} lines/s)` : '';
  const out = [
    `read ${n(c.files)} input(s), ${n(c.lines)} lines in ${seconds.toFixed(2)} s${rate}; formats: ${top(c.formats) || 'none'}`,
    `parsed ${n(c.parsed)} lines into ${n(c.events)} events; skipped ${n(skipped)} lines${skipped ? `: ${top(c.skipped)}` : ''}`,
  ];
  if (c.problems) out.push(`bad input: ${n(c.problems)} lines (see the reasons above)`);
  if (c.invalidUtf8) out.push(`invalid UTF-8: ${n(c.invalidUtf8)} lines decoded with U+FFFD and parsed`);
  const d = c.detect;
  const dskip = Object.values(d.skipped).reduce((s, v) => s + v, 0);
  out.push(`detection: ${n(d.processed)} of ${n(d.received)} events; allow-listed ${n(d.allowListed)}; skipped ${n(dskip)}${dskip ? `: ${top(d.skipped)}` : ''}`);
  out.push(`alerts: ${n(alerts)}${alerts ? ` (${top(c.alerts)})` : ''}`);
  return out;
}

/** Builds the detect command; `deps` lets the server or tests add sinks and inputs. */
export function createDetectCommand(deps: DetectDeps = {}): Command {
  return {
    name: 'detect',
    summary: 'Find brute force and password spraying (also slow and distributed) in auth logs; exit 3 on alerts',
    usage: USAGE,
    async run(args, ctx) {
      const { values, positionals } = parseCommandArgs(
        args,
        {
          format: { type: 'string' },
          follow: { type: 'boolean' },
          since: { type: 'string' },
          json: { type: 'boolean' },
          rules: { type: 'string' },
          tenant: { type: 'string' },
          privileged: { type: 'string' },
          store: { type: 'boolean' },
          db: { type: 'string' },
        },
        USAGE,
      );
      if (!positionals.length) throw new HubguardError('HG_ERR_USAGE', `no input given\nusage: ${USAGE}`);
      const now = deps.now?.() ?? new Date();
      let since: number | undefined;
      if (values.since !== undefined) {
        since = parseSince(values.since, now);
        if (since === undefined) throw new HubguardError('HG_ERR_USAGE', `--since wants an ISO 8601 time with a zone or a look-back like 24h, got "${values.since}"`);
      }
      if (values.tenant !== undefined && !/^[^\s\u0000-\u001f]{1,256}$/.test(values.tenant)) {
        throw new HubguardError('HG_ERR_USAGE', `--tenant must be an organization key without spaces, got "${values.tenant}"`);
      }
      const ruleSet = await loadRules(values.rules);
      const privileged = values.privileged ? await loadLines(values.privileged) : undefined;
      const stop = new AbortController();
      const signal = deps.signal ?? stop.signal;
      const files = positionals.filter((p) => p !== '-');
      let inputs: Input[] = [];
      for (const p of positionals) {
        if (p === '-') inputs.push(stdinInput(deps));
        else {
          const fi = await fileInput(p); // HG_ERR_FILE_NOT_FOUND before anything is read
          inputs.push(values.follow ? followInput(p, { signal }, fi.fileTime) : fi);
        }
      }
      if (!values.follow) inputs = await orderInputs(inputs, values.format, deps.pipeline?.registry);
      const sinks = [...((await deps.sinks?.(ctx)) ?? [])];
      // --store (the default database) or --db <url>: alerts are kept with the findings.
      const store = values.store || values.db !== undefined ? await databaseAlertSink(values.db, ctx) : undefined;
      if (store) sinks.push(store);
      if (values.json) {
        // One JSON object a line. Live (--follow, or standard input, which may be a live pipe):
        // every opened alert, its throttled updates and its final state, a later line with the
        // same id superseding the earlier. On files: each alert once, in its final state, as it
        // closes, so that memory does not hold them all.
        const live = values.follow || positionals.includes('-');
        sinks.push({ write: (e) => (live || e.type === 'closed' ? println(ctx.stdout, JSON.stringify(e.alert)) : undefined) });
      } else if (values.follow) {
        // Live without --json: a line per new alert as it opens; the table follows at the end.
        sinks.push({ write: (e) => (e.type === 'opened' ? println(ctx.stdout, `${e.alert.lastSeen}  ${e.alert.severity}  ${e.alert.detector}  ${e.alert.title}`) : undefined) });
      }
      const totalBytes = inputs.reduce((s, i) => s + (i.size ?? 0), 0);
      const bar = new ProgressBar(ctx.stderr, ctx.interactive && !values.follow && files.length > 0 && totalBytes > 0, 'detecting');
      let doneBytes = 0;
      const pipeline = new DetectionPipeline({
        ...deps.pipeline,
        ruleSet,
        format: values.format,
        since,
        tenant: values.tenant,
        privileged,
        sinks,
        // JSON lines stream out as alerts close; only the table needs them kept.
        alertLimits: values.json ? { maxKept: 0 } : undefined,
        onProgress: (c, raw) => {
          bar.update(doneBytes + raw, totalBytes, c.lines, 'lines');
          if (!deps.keepHeapPolicy) tameHeap();
        },
      });
      const onSignal = (): void => stop.abort();
      if (values.follow && !deps.signal) {
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      }
      const t0 = performance.now();
      try {
        if (values.follow) await Promise.all(inputs.map((i) => pipeline.add(i)));
        else {
          for (const i of inputs) {
            await pipeline.add(i);
            doneBytes += i.size ?? 0;
          }
        }
      } finally {
        bar.done();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const { alerts, counters } = await pipeline.finish();
      const seconds = (performance.now() - t0) / 1000;
      const raised = Object.values(counters.alerts).reduce((s, v) => s + v, 0);
      for (const f of counters.fileErrors) println(ctx.stderr, `hubguard: ${f.error.toString()}`);
      if (!values.json && alerts.length) println(ctx.stdout, alertTable(alerts));
      if (!values.json && alerts.length < raised) println(ctx.stderr, `(${n(raised - alerts.length)} more alerts not listed; use --json for all)`);
      for (const l of summary(counters, seconds, raised)) println(ctx.stderr, l);
      if (store) println(ctx.stderr, `stored ${n(store.stored())} alert(s) in the database`);
      if (raised) return EXIT_ALERTS;
      return counters.fileErrors.length ? 1 : 0;
    },
  };
}

/** The `detect` command as registered in the CLI. */
export const detectCommand: Command = createDetectCommand();
