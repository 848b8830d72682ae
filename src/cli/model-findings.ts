import { allTenants, HubguardError, SEVERITY_ORDER, Severity } from '../core/index.js';
import type { Model } from '../engines/engine.js';
import { DB_OPTION, intOption, parseCommandArgs } from './args.js';
import { loadModel } from './assess.js';
import { nowOption } from './blast-radius.js';
import { type CliContext, println } from './context.js';
import { cliActor, withRepository } from './db.js';

/** The options every "findings computed from the model" command takes. */
export const MODEL_FINDINGS_OPTIONS = {
  ...DB_OPTION,
  customer: { type: 'string' },
  severity: { type: 'string' },
  limit: { type: 'string' },
  now: { type: 'string' },
  json: { type: 'boolean' },
} as const;

interface Listed {
  tenant: string;
  severity: Severity;
}

/**
 * The shared body of `access`, `exposure` and the like: parse the options, load
 * the model, compute the findings at `--now`, filter by customer and minimum
 * severity, then print JSON lines or the command's own table.
 */
export async function listModelFindings<F extends Listed>(
  args: string[],
  ctx: CliContext,
  spec: {
    usage: string;
    /** What the findings are called in messages ("access", "exposure"). */
    noun: string;
    extraOptions?: Record<string, { type: 'string' | 'boolean' }>;
    compute: (model: Model, now: Date, values: Record<string, string | boolean | undefined>) => F[];
    table: (shown: F[]) => string;
  },
): Promise<number> {
  const { values } = parseCommandArgs(args, { ...MODEL_FINDINGS_OPTIONS, ...spec.extraOptions }, spec.usage);
  const v = values as Record<string, string | boolean | undefined>;
  const severity = typeof v.severity === 'string' ? Severity.safeParse(v.severity.toLowerCase()) : undefined;
  if (severity && !severity.success) throw new HubguardError('HG_ERR_USAGE', `unknown severity "${String(v.severity)}": use ${Severity.options.join(', ')}`);
  const limit = intOption(v.limit as string | undefined, 'limit', 500);
  const now = nowOption(v.now as string | undefined);
  const customer = v.customer as string | undefined;
  const model = await withRepository(v.db as string | undefined, ctx, (repo) => loadModel(repo, allTenants(cliActor(ctx))));
  if (customer !== undefined && !model.organization.some((o) => o.id === customer)) {
    throw new HubguardError('HG_ERR_VALIDATION', `no organization "${customer}"`);
  }
  const rank = (s: Severity): number => SEVERITY_ORDER.indexOf(s);
  const all = spec
    .compute(model, now, v)
    .filter((f) => (customer === undefined || f.tenant === customer) && (!severity?.data || rank(f.severity) <= rank(severity.data)));
  const shown = all.slice(0, limit);
  if (v.json) {
    for (const f of shown) println(ctx.stdout, JSON.stringify(f));
    return 0;
  }
  if (!shown.length) {
    println(ctx.stdout, `no ${spec.noun} findings match`);
    return 0;
  }
  println(ctx.stdout, spec.table(shown));
  println(ctx.stderr, `${shown.length} ${spec.noun} finding(s)${shown.length < all.length ? ` of ${all.length} (use --limit)` : ''}`);
  return 0;
}
