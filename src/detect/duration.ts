/** Milliseconds per duration unit. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration the way rule files write them (`90s`, `10m`, `1h`, `24h`, `7d`,
 * `1h30m`) or a bare number of milliseconds. Returns undefined when it is not one.
 */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (UNIT_MS[m[2]!] ?? 0);
    end = re.lastIndex;
  }
  return end === s.length && end > 0 ? Math.round(total) : undefined;
}

/** Formats milliseconds as the shortest exact unit string (`90s`, `1h`, `36h`). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * Parses `--since`: an ISO 8601 time with a zone, or a look-back such as `24h`
 * or `7d` counted back from `now`. Returns epoch milliseconds or undefined.
 */
export function parseSince(text: string, now: Date): number | undefined {
  const back = parseDuration(text);
  if (back !== undefined && /[a-z]$/i.test(text.trim())) return now.getTime() - back;
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(text.trim())) {
    const t = Date.parse(text.trim().length === 10 ? `${text.trim()}T00:00:00Z` : text.trim());
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/**
 * Detector state keeps times as whole seconds since 2000-01-01: small integers
 * that V8 stores unboxed, where a millisecond epoch time costs a 16-byte heap
 * number in every field that holds it. One second is finer than any window.
 */
export const SEC_BASE = Date.UTC(2000, 0, 1) / 1000;
/** Epoch milliseconds to state seconds. */
// `| 0` keeps the result a small integer (a float result would make V8 box the field).
export const toSec = (ms: number): number => Math.floor(ms / 1000 - SEC_BASE) | 0;
/** State seconds to epoch milliseconds. */
export const toMs = (sec: number): number => (sec + SEC_BASE) * 1000;
/** A duration in milliseconds as whole seconds (rounded up). */
export const secs = (ms: number): number => Math.ceil(ms / 1000);
