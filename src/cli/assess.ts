import { allTenants, RECORD_KINDS, type Scope } from '../core/index.js';
import { ENGINES } from '../engines/index.js';
import { emptyModel, toFindings, type Model } from '../engines/engine.js';
import { applySuppressions } from '../engines/suppress.js';
import type { FeedDate, NvdFacts, VulnFeeds } from '../engines/vulns-findings/feeds.js';
import type { Repository } from '../store/repository.js';
import type { CliContext } from './context.js';
import { cliActor } from './db.js';
import { ensureKev } from './feeds.js';

/** Loads every record in scope into memory, for the engines. */
export async function loadModel(repo: Repository, scope: Scope): Promise<Model> {
  const model = emptyModel();
  for (const k of RECORD_KINDS) {
    (model as Record<string, unknown[]>)[k.name] = await repo.listRecords(scope, k.name, {});
  }
  return model;
}

/**
 * Loads the vulnerability feeds for the engines: the bundled KEV snapshot first when no KEV feed
 * was imported yet (needs a CLI context), then KEV entries, EPSS scores and every NVD record.
 */
export async function loadFeeds(repo: Repository, ctx?: CliContext): Promise<VulnFeeds> {
  if (ctx) await ensureKev(repo, ctx);
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

/** Runs every engine on the model and stores its findings (resolving those no longer found). */
export async function runEngines(repo: Repository, scope: Scope, now: Date, ctx?: CliContext): Promise<{ engine: string; findings: number }[]> {
  const model = await loadModel(repo, scope);
  const feeds = await loadFeeds(repo, ctx);
  const out: { engine: string; findings: number }[] = [];
  for (const engine of ENGINES) {
    const findings = applySuppressions(toFindings(engine.name, engine.run(model, { now, feeds }), now), model.suppression, now);
    await repo.transaction((tx) => tx.replaceFindings(scope, { engine: engine.name }, findings, now));
    out.push({ engine: engine.name, findings: findings.length });
  }
  return out;
}
