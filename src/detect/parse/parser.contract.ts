/**
 * The shared contract every line parser passes (in the manner of Hono's one
 * router test suite for every router): the same checks on each parser with
 * its own fixtures. Run from contract.test.ts for every parser in PARSERS.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuthEvent } from '../event.js';
import { normalizeIp } from './ip.js';
import { RAW_CAP, SKIP_REASONS, type LineParser, type ParseContext, type SkipReason } from './types.js';

/** One fixture file of a parser. */
export interface ContractFixture {
  /** Absolute path. */
  path: string;
  /** Modification time to assume: no event may lie after it. */
  fileTime: number;
  /** At least this many events are expected from the file. */
  minEvents: number;
}

/** What the contract needs to know about one parser. */
export interface ContractSpec {
  parser: LineParser;
  fixtures: ContractFixture[];
  /** First lines of other formats' files, which this parser's detect() must refuse. */
  foreign: { name: string; sample: string[] }[];
}

const REASONS = new Set(['bad-password', 'unknown-user', 'locked', 'mfa-denied', 'mfa-required', 'expired', 'disabled', 'preauth', 'other']);
const ACTIVITIES = new Set(['logon', 'lockout', 'password-change', 'mfa']);
const TENANT = 'tenant-a';

/** Reads a fixture into lines (LF or CRLF; no trailing empty line). */
export function readLines(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Result of running a parser over a whole input, the way the pipeline does. */
export interface ParseRun {
  events: AuthEvent[];
  results: (AuthEvent[] | SkipReason)[];
  skips: Record<string, number>;
}

/** Parses lines in order with one context, then flushes; extra skips from `onSkip` are counted too. */
export function parseAll(parser: LineParser, lines: string[], file: string, fileTime?: number, extra: Partial<ParseContext> = {}): ParseRun {
  const run: ParseRun = { events: [], results: [], skips: {} };
  const count = (r: SkipReason): void => {
    run.skips[r] = (run.skips[r] ?? 0) + 1;
  };
  const ctx: ParseContext = { file, line: 0, state: {}, fileTime, tenant: TENANT, onSkip: count, ...extra };
  const take = (r: AuthEvent[] | SkipReason): void => {
    run.results.push(r);
    if (typeof r === 'string') count(r);
    else run.events.push(...r);
  };
  for (let i = 0; i < lines.length; i++) {
    ctx.line = i + 1;
    take(parser.parseLine(lines[i] as string, ctx));
  }
  ctx.line = lines.length + 1;
  const tail = parser.flush?.(ctx);
  if (tail !== undefined) take(tail);
  return run;
}

/** Deterministic pseudo-random bytes (a 32-bit LCG), so garbage tests repeat exactly. */
function noise(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** Lines that are not any format: each must give a skip reason, quickly, without throwing. */
export function garbageLines(): { name: string; line: string; wellFramed?: boolean }[] {
  const mb = 1_000_000;
  return [
    { name: 'empty', line: '' },
    { name: 'blank', line: '   \t ' },
    { name: 'binary with NULs', line: '\u0000\u0001\u0002ELF\u0000\u0000binary\u0007' },
    { name: 'random bytes', line: noise(4096, 7).toString('latin1').replace(/\n/g, ' ') },
    { name: 'invalid UTF-8', line: Buffer.from([0x4d, 0x61, 0x72, 0x20, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xff, 0xfe, 0x20, 0x41]).toString('utf8') },
    { name: '1 MB of one letter', line: 'A'.repeat(mb) },
    { name: '1 MB of open JSON', line: '{"a":['.repeat(mb / 6) },
    { name: '1 MB of open XML', line: '<Event>'.repeat(mb / 7) },
    // A well-framed sshd line whose user name is a megabyte of address-like words: stresses the
    // right-to-left address search; a syslog parser may rightly claim it in detect().
    { name: '1 MB of repeated address words', line: `Mar  4 10:00:00 h sshd[1]: Failed password for ${' from 1.2.3.4 port 22'.repeat(mb / 22)}x`, wellFramed: true },
    { name: '1 MB of key=value', line: 'date=2026-03-04 time=10:00:00 '.concat('subtype="vpn" '.repeat(mb / 15)) },
    { name: '1 MB of separators', line: ','.repeat(mb) },
  ];
}

function checkEvent(ev: AuthEvent, fx: ContractFixture, lineCount: number): void {
  const where = `${basename(fx.path)}:${ev.line}`;
  expect(Number.isFinite(ev.time), `${where} time`).toBe(true);
  expect(ev.time, `${where} time not after the file time`).toBeLessThanOrEqual(fx.fileTime);
  expect(ev.time, `${where} time after 2000`).toBeGreaterThan(Date.UTC(2000, 0, 1));
  expect(typeof ev.service === 'string' && ev.service.length > 0, `${where} service`).toBe(true);
  expect(['success', 'failure', 'unknown'], `${where} outcome`).toContain(ev.outcome);
  expect(ev.file).toBe(fx.path);
  expect(Number.isInteger(ev.line) && ev.line >= 1 && ev.line <= lineCount, `${where} line in range`).toBe(true);
  expect(typeof ev.raw === 'string' && ev.raw.length > 0 && ev.raw.length <= RAW_CAP, `${where} raw kept and capped`).toBe(true);
  expect(ev.tenant, `${where} tenant from context`).toBe(TENANT);
  if (ev.reason !== undefined) expect(REASONS, `${where} reason`).toContain(ev.reason);
  if (ev.activity !== undefined) expect(ACTIVITIES, `${where} activity`).toContain(ev.activity);
  if (ev.srcIp !== undefined) expect(normalizeIp(ev.srcIp), `${where} srcIp normalized`).toBe(ev.srcIp);
  if (ev.user !== undefined) expect(ev.user, `${where} user lower-case`).toBe(ev.user.toLowerCase());
  if (ev.userDomain !== undefined) expect(ev.userDomain).toBe(ev.userDomain.toLowerCase());
  if (ev.repeat !== undefined) expect(Number.isInteger(ev.repeat) && ev.repeat >= 1, `${where} repeat`).toBe(true);
  if (ev.srcPort !== undefined) expect(ev.srcPort > 0 && ev.srcPort < 65536, `${where} port`).toBe(true);
}

/** Registers the contract tests of one parser. */
export function parserContract(spec: ContractSpec): void {
  const { parser } = spec;
  describe(`parser contract: ${parser.name}`, () => {
    it('has a stable name and a description', () => {
      expect(parser.name).toMatch(/^[a-z0-9-]+$/);
      expect(parser.description.length).toBeGreaterThan(10);
      expect(spec.fixtures.length).toBeGreaterThan(0);
    });

    for (const fx of spec.fixtures) {
      const name = basename(fx.path);
      it(`recognizes its own sample (${name})`, () => {
        expect(parser.detect(readLines(fx.path).slice(0, 20))).toBe(true);
      });

      it(`reads ${name} into well-formed events`, () => {
        const lines = readLines(fx.path);
        const run = parseAll(parser, lines, fx.path, fx.fileTime);
        expect(run.events.length).toBeGreaterThanOrEqual(fx.minEvents);
        for (const ev of run.events) checkEvent(ev, fx, lines.length);
      });

      it(`answers every line of ${name} with events or a known skip reason`, () => {
        const run = parseAll(parser, readLines(fx.path), fx.path, fx.fileTime);
        for (const r of run.results) {
          if (typeof r === 'string') expect(Object.keys(SKIP_REASONS)).toContain(r);
          else expect(Array.isArray(r)).toBe(true);
        }
        for (const reason of Object.keys(run.skips)) expect(Object.keys(SKIP_REASONS)).toContain(reason);
      });

      it(`reads ${name} with CRLF line ends the same`, () => {
        const lines = readLines(fx.path);
        const key = (e: AuthEvent) => [e.time, e.outcome, e.reason, e.user, e.userDomain, e.srcIp, e.srcPort, e.target, e.line];
        const lf = parseAll(parser, lines, fx.path, fx.fileTime).events.map(key);
        const crlf = parseAll(parser, lines.map((l) => `${l}\r`), fx.path, fx.fileTime).events.map(key);
        expect(crlf).toEqual(lf);
      });

      it(`is deterministic on ${name}`, () => {
        const lines = readLines(fx.path);
        const a = JSON.stringify(parseAll(parser, lines, fx.path, fx.fileTime).results);
        const b = JSON.stringify(parseAll(parser, lines, fx.path, fx.fileTime).results);
        expect(a).toBe(b);
      });
    }

    it("refuses other formats' samples", () => {
      for (const f of spec.foreign) expect(parser.detect(f.sample), `detect() claimed ${f.name}`).toBe(false);
    });

    for (const g of garbageLines()) {
      it(`skips ${g.name} with a reason, without throwing`, () => {
        const t0 = Date.now();
        const run = parseAll(parser, [g.line], 'garbage.log', Date.UTC(2026, 0, 1));
        expect(run.events).toEqual([]);
        const first = run.results[0];
        expect(typeof first, 'a skip reason, not events').toBe('string');
        expect(Object.keys(SKIP_REASONS)).toContain(first);
        expect(Date.now() - t0, 'time on one hostile line (ms)').toBeLessThan(2000);
      });
    }

    it('does not claim garbage in detect()', () => {
      for (const g of garbageLines()) if (!g.wellFramed) expect(parser.detect([g.line]), g.name).toBe(false);
    });
  });
}
