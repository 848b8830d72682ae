import { allTenants, RECORD_KINDS, type Scope } from '../core/index.js';
import { ENGINES } from '../engines/index.js';
import { emptyModel, toFindings, type Model } from '../engines/engine.js';
import { applySuppressions } from '../engines/suppress.js';
import type { FeedDate, NvdFacts, VulnFeeds } from '../engines/vulns-findings/feeds.js';
import type { Repository } from '../store/repository.js';
import type { CliContext } from './context.js';
import { cliActor } from './db.js';
import { ensureBundled } from './feeds.js';

/** Loads every record in scope into memory, for the engines. */
export async function loadModel(repo: Repository, scope: Scope): Promise<Model> {
  const model = emptyModel();
  for (const k of RECORD_KINDS) {
    (model as Record<string, unknown[]>)[k.name] = await repo.listRecords(scope, k.name, {});
  }
  return model;
}

/** What `loadFeeds` loads from the files bundled with Hubguard when the store lacks the feed. */
export interface BundledChoice {
  /** Also the bundled NVD excerpt when no NVD records were imported (the KEV snapshot is always loaded). */
  nvd?: boolean;
}

/**
 * Loads the vulnerability feeds for the engines: with a CLI context, first the bundled KEV snapshot
 * when no KEV feed was imported yet (and the bundled NVD excerpt when no NVD records were, if asked),
 * then KEV entries, EPSS scores and every NVD record.
 */
export async function loadFeeds(repo: Repository, ctx?: CliContext, bundled: BundledChoice = {}): Promise<VulnFeeds> {
  if (ctx) await ensureBundled(repo, ctx, bundled.nvd ? ['kev', 'nvd'] : ['kev']);
  const scope = allTenants(ctx ? cliActor(ctx) : 'hubguard');
  const status = await repo.listFeeds(scope);
  const dateOf = (name: string): FeedDate | undefined => {
    const f = status.find((s) => s.name === name);
    return f ? { version: f.version, date: f.date } : undefined;
  };
  const nvd: NvdFacts[] = [];
  for await (const c of repo.iterateNvdCves(scope)) nvd.push({ id: c.id, configurations: c.configurations, ...(c.published ? { published: c.published } : {}) });
  const kevDate = dateOf('kev');
  const epssDate = dateOf('epss');
  const nvdDate = dateOf('nvd');
  return {
    kev: await repo.kevEntries(scope),
    epss: await repo.epssScores(scope),
    nvd,
    dates: { ...(kevDate ? { kev: kevDate } : {}), ...(epssDate ? { epss: epssDate } : {}), ...(nvdDate ? { nvd: nvdDate } : {}) },
  };
}

/**
 * Runs every engine on the model and stores its findings (resolving those no longer found). With a
 * CLI context, a store without KEV or NVD feeds gets the bundled ones first, so the stored findings
 * of a fresh install check the versions of the products the bundled NVD excerpt covers.
 */
export async function runEngines(repo: Repository, scope: Scope, now: Date, ctx?: CliContext): Promise<{ engine: string; findings: number }[]> {
  const model = await loadModel(repo, scope);
  const feeds = await loadFeeds(repo, ctx, { nvd: true });
  const out: { engine: string; findings: number }[] = [];
  for (const engine of ENGINES) {
    const findings = applySuppressions(toFindings(engine.name, engine.run(model, { now, feeds }), now), model.suppression, now);
    await repo.transaction((tx) => tx.replaceFindings(scope, { engine: engine.name }, findings, now));
    out.push({ engine: engine.name, findings: findings.length });
  }
  return out;
}
