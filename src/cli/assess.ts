import { RECORD_KINDS, type Scope } from '../core/index.js';
import { ENGINES } from '../engines/index.js';
import { emptyModel, toFindings, type Model } from '../engines/engine.js';
import type { Repository } from '../store/repository.js';

/** Loads every record in scope into memory, for the engines. */
export async function loadModel(repo: Repository, scope: Scope): Promise<Model> {
  const model = emptyModel();
  for (const k of RECORD_KINDS) {
    (model as Record<string, unknown[]>)[k.name] = await repo.listRecords(scope, k.name, {});
  }
  return model;
}

/** Runs every engine on the model and stores its findings (resolving those no longer found). */
export async function runEngines(repo: Repository, scope: Scope, now: Date): Promise<{ engine: string; findings: number }[]> {
  const model = await loadModel(repo, scope);
  const out: { engine: string; findings: number }[] = [];
  for (const engine of ENGINES) {
    const findings = toFindings(engine.name, engine.run(model, { now }), now);
    await repo.transaction((tx) => tx.replaceFindings(scope, { engine: engine.name }, findings, now));
    out.push({ engine: engine.name, findings: findings.length });
  }
  return out;
}
