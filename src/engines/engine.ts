import { createHash } from 'node:crypto';
import type { Duty, Finding, RecordKindName, RecordTypes, Severity } from '../core/index.js';
import type { VulnFeeds } from './vulns-findings/feeds.js';

/** The whole model an engine reads: every record of every kind in the caller's scope. */
export type Model = { [K in RecordKindName]: RecordTypes[K][] };

/** An empty model, to build on in tests. */
export const emptyModel = (): Model => ({
  organization: [], identity: [], group: [], membership: [], role: [], grant: [], asset: [], service: [],
  backup: [], logSource: [], agreement: [], irPlan: [], exercise: [], suppression: [],
});

/** What an engine needs besides the model: the time "now" is (engines never read the clock themselves). */
export interface EngineContext {
  now: Date;
  /** Vulnerability feeds (KEV, EPSS, NVD), when loaded; engines that need them skip without. */
  feeds?: VulnFeeds;
}

/** What an engine emits before the run stamps it with an id and times. */
export interface FindingDraft {
  tenant: string;
  control: string;
  severity: Severity;
  duty: Duty;
  title: string;
  detail?: string;
  subject: { kind: string; id: string; name?: string };
  evidence?: Record<string, unknown>;
}

/**
 * A pure analyzer: model in, findings out. Engines live in src/engines/<name>/
 * and are listed in src/engines/index.ts; every finding names a catalog control.
 */
export interface Engine {
  name: string;
  /** The control ids this engine can emit (checked against the catalog by tests). */
  controls: readonly string[];
  run(model: Model, ctx: EngineContext): FindingDraft[];
}

/** A deterministic finding id: the same engine, control and subject always give the same id. */
export function findingId(engine: string, control: string, subjectKind: string, subjectId: string): string {
  return createHash('sha256').update(`${engine}\u0000${control}\u0000${subjectKind}\u0000${subjectId}`).digest('hex').slice(0, 24);
}

/** Stamps drafts into findings with ids and times. */
export function toFindings(engine: string, drafts: readonly FindingDraft[], now: Date): Finding[] {
  const at = now.toISOString();
  return drafts.map((d) => ({
    id: findingId(engine, d.control, d.subject.kind, d.subject.id) as Finding['id'],
    tenant: d.tenant as Finding['tenant'],
    control: d.control as Finding['control'],
    engine,
    severity: d.severity,
    duty: d.duty,
    title: d.title,
    detail: d.detail ?? '',
    subject: d.subject,
    evidence: d.evidence ?? {},
    status: 'open',
    firstSeen: at,
    lastSeen: at,
  }));
}
