/**
 * Builders of synthetic events for the detector tests (and for anyone
 * exercising the engine without a log file).
 */
import type { AuthEvent } from './event.js';
import { DetectionEngine, type EngineOptions } from './engine.js';
import type { AlertEvent, DetectionAlert } from './alerts.js';

/** Base time of synthetic streams: 2026-03-04T00:00:00Z. */
export const T0 = Date.UTC(2026, 2, 4);
/** Durations in milliseconds, for building streams. */
export const SEC = 1_000;
/** One minute in milliseconds. */
export const MIN = 60_000;
/** One hour in milliseconds. */
export const HOUR = 3_600_000;

let line = 0;

/** A failed sign-in (bad password unless told otherwise). */
export function fail(at: number, user: string, srcIp: string, extra: Partial<AuthEvent> = {}): AuthEvent {
  return {
    time: at,
    user,
    srcIp,
    service: 'sshd',
    outcome: 'failure',
    reason: 'bad-password',
    target: 'web01',
    file: 'synthetic.log',
    line: ++line,
    raw: `Failed password for ${user} from ${srcIp}`,
    ...extra,
  };
}

/** A successful sign-in. */
export function ok(at: number, user: string, srcIp: string, extra: Partial<AuthEvent> = {}): AuthEvent {
  return fail(at, user, srcIp, { outcome: 'success', reason: undefined, raw: `Accepted password for ${user} from ${srcIp}`, ...extra });
}

/** Runs events through a fresh engine; returns the alerts and every alert event. */
export function run(events: AuthEvent[], opts: EngineOptions = {}): { alerts: DetectionAlert[]; stream: AlertEvent[]; engine: DetectionEngine } {
  const stream: AlertEvent[] = [];
  const engine = new DetectionEngine({ ...opts, onAlert: (e) => stream.push(e) });
  for (const e of events) engine.process(e);
  const alerts = engine.finish();
  return { alerts, stream, engine };
}

/** Alerts of one detector. */
export const byDetector = (alerts: DetectionAlert[], id: string): DetectionAlert[] => alerts.filter((a) => a.detector === id);
