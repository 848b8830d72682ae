/**
 * `hubguard blast-radius [<principal|tool>]`: what falls if one MSP principal or
 * tool is taken (each customer at its highest privilege, with the path that
 * explains it), or with no argument the hub's chokepoints ranked; `--what-if`
 * shows the same before and after one change.
 */
import { allTenants, HubguardError, privilegeRank, type Privilege } from '../core/index.js';
import {
  blastRadius, buildAccessGraph, chokepoints, describeWhatIf, formatPath, hubSources, indexAfter, nodeRef, parseWhatIf, planWhatIf, privilegeName,
  whatIf, type AccessGraph, type Attacker, type BlastRadius, type Chokepoint, type WhatIfResult,
} from '../engines/access/index.js';
import { DB_OPTION, intOption, parseCommandArgs } from './args.js';
import { loadModel } from './assess.js';
import { type CliContext, type Command, println } from './context.js';
import { cliActor, withRepository } from './db.js';
import { renderTable } from './table.js';

const USAGE =
  'hubguard blast-radius [<principal|tool id>] [--kind identity|group|tool] [--top N] [--what-if remove-edge:<grant id|group>member>|enforce-mfa:<identity>|jit:<grant id>] [--standing-only] [--password-only] [--assets] [--now YYYY-MM-DD] [--json] [--db <url>]';

const n = (x: number): string => x.toLocaleString('en-US');

/** `--now YYYY-MM-DD` (default: the clock), the instant expired grants are judged at. */
export function nowOption(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) throw new HubguardError('HG_ERR_USAGE', `--now must be a date like 2026-11-01, got "${value}"`);
  return d;
}

/** The node of a principal or tool id; `kind` settles ids used by more than one kind of record. */
export function resolveSource(g: AccessGraph, id: string, kind?: string): number {
  if (kind !== undefined && !['identity', 'group', 'tool', 'asset'].includes(kind)) {
    throw new HubguardError('HG_ERR_USAGE', `--kind must be identity, group or tool, got "${kind}"`);
  }
  const found = (['identity', 'group', 'asset'] as const)
    .filter((k) => kind === undefined || k === kind || (k === 'asset' && kind === 'tool'))
    .map((k) => [k, g.lookup(k, id)] as const)
    .filter((x): x is readonly [(typeof x)[0], number] => x[1] !== undefined);
  if (found.length === 0) throw new HubguardError('HG_ERR_VALIDATION', `no identity, group or tool "${id}" (give the record key of an identity, a group or an MSP tool)`);
  if (found.length > 1) throw new HubguardError('HG_ERR_USAGE', `"${id}" is both ${found.map(([k]) => `a ${k}`).join(' and ')}: add --kind`);
  return found[0]![1];
}

const endpointText = (r: { endpoints: number; declaredEndpoints: number }) =>
  r.declaredEndpoints > r.endpoints ? `${n(r.endpoints)} endpoints (${n(r.declaredEndpoints)} declared by tools)` : `${n(r.endpoints)} endpoints`;

/** Who the radius is computed for, in words. */
export function attackerText(a: Attacker): string {
  if (a.standingOnly && a.passwordOnly) return ' for an attacker with passwords and standing access only';
  if (a.standingOnly) return ' for an attacker with standing access only';
  if (a.passwordOnly) return ' for an attacker with passwords only';
  return '';
}

function printRadius(r: BlastRadius, ctx: CliContext, assets: boolean): void {
  println(
    ctx.stdout,
    `Blast radius of ${r.source.name} (${r.source.kind} ${r.source.id})${attackerText(r.attacker)}: ${n(r.customers)} customer(s), ${endpointText(r)}, ${n(r.assets)} asset(s)` +
      `${r.maxPrivilege ? `, highest privilege ${r.maxPrivilege}` : ''}`,
  );
  if (!r.reached.length) {
    println(ctx.stdout, 'It reaches no customer.');
  } else {
    println(ctx.stdout, '');
    println(ctx.stdout, renderTable(['customer', 'privilege', 'assets', 'endpoints', 'path'], r.reached.map((c) => [c.customer.name, c.privilege, c.assets, c.endpoints, formatPath(c.path)])));
  }
  if (r.tools.length) println(ctx.stdout, `\nMSP tools reached: ${r.tools.map((t) => `${t.asset.name} (${t.privilege})`).join(', ')}`);
  if (assets && r.assetList?.length) {
    println(ctx.stdout, '');
    println(ctx.stdout, renderTable(['asset', 'customer', 'privilege'], r.assetList.map((a) => [a.asset.name, a.tenant, a.privilege])));
  }
}

function printRanking(rows: readonly Chokepoint[], total: number, ctx: CliContext): void {
  println(
    ctx.stdout,
    renderTable(
      ['#', 'principal / tool', 'kind', 'customers', 'endpoints', 'assets', 'tools', 'highest privilege'],
      rows.map((c, i) => [i + 1, c.source.name, c.source.kind, n(c.customers), n(Math.max(c.endpoints, c.declaredEndpoints)), n(c.assets), c.tools, c.maxPrivilege ?? '-']),
    ),
  );
  println(ctx.stderr, `${rows.length} of ${total} hub principal(s) and tool(s)${rows.length < total ? ' (use --top)' : ''}`);
}

function printWhatIf(w: WhatIfResult, ctx: CliContext): void {
  const line = (s: WhatIfResult['before']) => `${n(s.customers)} customer(s), ${n(Math.max(s.endpoints, s.declaredEndpoints))} endpoints, ${n(s.assets)} asset(s)`;
  println(ctx.stdout, `What if: ${describeWhatIf(w.change)}`);
  println(ctx.stdout, `Radius of ${w.source.name} (${w.source.kind} ${w.source.id})${attackerText(w.attacker)}: ${line(w.before)} → ${line(w.after)}`);
  if (!w.changed.length) {
    println(ctx.stdout, 'No customer changes.');
    return;
  }
  println(ctx.stdout, '');
  println(ctx.stdout, renderTable(['customer', 'before', 'after'], w.changed.map((c) => [c.customer.name, c.before ?? '-', c.after ?? 'unreachable'])));
}

export const blastRadiusCommand: Command = {
  name: 'blast-radius',
  summary: 'What falls if one principal or tool is taken; with no argument, the hub’s chokepoints ranked',
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        ...DB_OPTION,
        kind: { type: 'string' },
        top: { type: 'string' },
        'what-if': { type: 'string' },
        'standing-only': { type: 'boolean' },
        'password-only': { type: 'boolean' },
        assets: { type: 'boolean' },
        now: { type: 'string' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    if (positionals.length > 1) throw new HubguardError('HG_ERR_USAGE', `one principal or tool at a time\nusage: ${USAGE}`);
    const top = intOption(values.top, 'top', 20);
    const now = nowOption(values.now);
    const change = values['what-if'] === undefined ? undefined : parseWhatIf(values['what-if']);
    const attacker: Attacker = { standingOnly: values['standing-only'], passwordOnly: values['password-only'] };
    const model = await withRepository(values.db, ctx, (repo) => loadModel(repo, allTenants(cliActor(ctx))));
    const g = buildAccessGraph(model, { now });
    const id = positionals[0];

    if (id !== undefined) {
      const source = resolveSource(g, id, values.kind);
      if (change) {
        const plan = planWhatIf(g, change);
        const w = whatIf(g, plan, source);
        const after = blastRadius(g, source, { attacker: plan.attacker, flags: plan.flags });
        if (values.json) println(ctx.stdout, JSON.stringify({ ...w, radiusAfter: after }));
        else {
          printWhatIf(w, ctx);
          println(ctx.stdout, '');
          printRadius(after, ctx, false);
        }
        return 0;
      }
      const r = blastRadius(g, source, { attacker, listAssets: values.assets === true });
      if (values.json) println(ctx.stdout, JSON.stringify(r));
      else printRadius(r, ctx, values.assets === true);
      return 0;
    }

    const sources = hubSources(g);
    if (change) {
      const plan = planWhatIf(g, change);
      const before = chokepoints(g, { attacker: plan.attacker });
      const afterIx = indexAfter(g, plan);
      const after = new Map(sources.map((v) => [`${nodeRef(g, v).kind}:${g.key[v]}`, afterIx.summary(v)]));
      const rows = before.map((b) => ({ ...b, after: after.get(`${b.source.kind}:${b.source.id}`)! }));
      const shown = rows.filter((r) => r.after.customers !== r.customers || r.after.assets !== r.assets || r.after.maxRank !== rankOf(r.maxPrivilege)).slice(0, top);
      if (values.json) {
        println(ctx.stdout, JSON.stringify({ change: plan.change, attacker: plan.attacker, changed: shown.map((r) => ({ source: r.source, before: { customers: r.customers, assets: r.assets, endpoints: r.endpoints }, after: r.after })) }));
        return 0;
      }
      println(ctx.stdout, `What if: ${describeWhatIf(plan.change)}\n`);
      if (!shown.length) println(ctx.stdout, 'No hub principal or tool changes.');
      else {
        const priv = (r: number) => (r < 0 ? '-' : privilegeName(r));
        println(
          ctx.stdout,
          renderTable(
            ['principal / tool', 'kind', 'customers', 'endpoints', 'assets', 'highest privilege'],
            shown.map((r) => [
              r.source.name,
              r.source.kind,
              `${n(r.customers)} → ${n(r.after.customers)}`,
              `${n(Math.max(r.endpoints, r.declaredEndpoints))} → ${n(Math.max(r.after.endpoints, r.after.declaredEndpoints))}`,
              `${n(r.assets)} → ${n(r.after.assets)}`,
              `${r.maxPrivilege ?? '-'} → ${priv(r.after.maxRank)}`,
            ]),
          ),
        );
      }
      return 0;
    }

    const ranking = chokepoints(g, { attacker });
    const rows = ranking.slice(0, top);
    if (values.json) {
      for (const c of rows) println(ctx.stdout, JSON.stringify(c));
      return 0;
    }
    println(ctx.stdout, `Chokepoints of the hub: ${n(sources.length)} principal(s) and tool(s), ${n(g.customers.length)} customer(s)\n`);
    printRanking(rows, ranking.length, ctx);
    return 0;
  },
};

const rankOf = (p: Privilege | undefined): number => (p === undefined ? -1 : privilegeRank(p));
