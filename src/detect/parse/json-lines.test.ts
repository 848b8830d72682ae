import { describe, expect, it } from 'vitest';
import { entraJson } from './entra.js';
import { journaldJson } from './journald.js';
import { oktaJson } from './okta.js';
import { parseAll } from './parser.contract.js';
import { MAX_RECORD } from './types.js';

const FILE_TIME = Date.UTC(2026, 2, 5);
const signIn = (code: number, user = 'a@contoso.com') =>
  ({ createdDateTime: '2026-03-04T17:00:00Z', userPrincipalName: user, ipAddress: '203.0.113.9', status: { errorCode: code } });

describe('JSON framing', () => {
  it('reads a Graph page written on one line', () => {
    const line = JSON.stringify({ '@odata.context': 'x', value: [signIn(50126), signIn(0)] });
    const r = parseAll(entraJson, [line], 'p.json', FILE_TIME);
    expect(r.events.map((e) => [e.outcome, e.line])).toEqual([['failure', 1], ['success', 1]]);
  });

  it('reads a pretty-printed array whose records contain arrays and braces in strings', () => {
    const doc = JSON.stringify([
      { eventType: 'user.session.start', published: '2026-03-04T18:00:00Z', actor: { alternateId: 'a@x.org' }, outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' }, client: { ipAddress: '203.0.113.1' }, target: [{ type: 'AppInstance', displayName: 'App {"]' }] },
      { eventType: 'user.session.start', published: '2026-03-04T18:00:01Z', actor: { alternateId: 'b@x.org' }, outcome: { result: 'SUCCESS' }, client: { ipAddress: '203.0.113.2' } },
    ], null, 2).split('\n');
    const r = parseAll(oktaJson, doc, 'okta.json', FILE_TIME);
    expect(r.events.map((e) => [e.user, e.line, e.target])).toEqual([['a', 2, 'App {"]'], ['b', doc.indexOf('  {', 2) + 1, 'okta']]);
    expect(r.skips.continued).toBeGreaterThan(5);
  });

  it('reports every bad record of a one-line array, not only the first', () => {
    const line = JSON.stringify({ value: [signIn(50126), { userPrincipalName: 'x' }, { createdDateTime: 'nope', status: { errorCode: 1 } }] });
    const r = parseAll(entraJson, [line], 'p.json', FILE_TIME);
    expect(r.events).toHaveLength(1);
    expect(r.skips['bad-timestamp']).toBe(2);
  });

  it('reports malformed JSON lines, a record cut at end of file and an oversized record', () => {
    const r = parseAll(journaldJson, ['{"MESSAGE": "sshd", broken}', 'not json at all', '[', '  {"a": 1,'], 'j.json', FILE_TIME);
    expect(r.results.slice(0, 2)).toEqual(['bad-json', 'bad-json']);
    expect(r.results[r.results.length - 1]).toBe('truncated');
    const big = ['[', `{"MESSAGE": "${'x'.repeat(MAX_RECORD)}`, '"}', ']'];
    expect(parseAll(journaldJson, big, 'j.json', FILE_TIME).skips['record-too-large']).toBe(1);
  });

  it('frames a record spread over many lines in linear time (under the size cap)', () => {
    const t0 = Date.now();
    const lines = ['[', '{"createdDateTime": "2026-03-04T17:00:00Z", "userPrincipalName": "a@b.c",', ...Array.from({ length: 30_000 }, (_, i) => `"k${i}": [1, {"x": "}"}],`), '"status": {"errorCode": 50126}}', ']'];
    const r = parseAll(entraJson, lines, 'p.json', FILE_TIME);
    expect(r.events.map((e) => [e.reason, e.line])).toEqual([['bad-password', 2]]);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('recovers after a structure error', () => {
    const r = parseAll(entraJson, ['[', ']]', JSON.stringify(signIn(50126))], 'p.json', FILE_TIME);
    expect(r.results[1]).toBe('bad-json');
    expect(r.events).toHaveLength(1);
  });
});

describe('journald JSON', () => {
  const entry = (o: Record<string, unknown>) =>
    JSON.stringify({ __REALTIME_TIMESTAMP: '1772618400123456', _HOSTNAME: 'web04', SYSLOG_IDENTIFIER: 'sshd', _PID: '7001', ...o });

  it('converts microsecond timestamps and routes by SYSLOG_IDENTIFIER', () => {
    const r = parseAll(journaldJson, [entry({ MESSAGE: 'Failed password for root from 203.0.113.140 port 44000 ssh2' })], 'j', FILE_TIME);
    expect(r.events[0]).toMatchObject({ time: Date.UTC(2026, 2, 4, 10, 0, 0, 123), target: 'web04', user: 'root', service: 'sshd' });
  });

  it('decodes byte-array messages and keeps the invalid byte visible', () => {
    const bytes = [...Buffer.from('Invalid user '), 0xff, ...Buffer.from('x from 203.0.113.141 port 1')];
    const r = parseAll(journaldJson, [entry({ MESSAGE: bytes })], 'j', FILE_TIME);
    expect(r.events[0]).toMatchObject({ reason: 'unknown-user', userRaw: '\uFFFDx', srcIp: '203.0.113.141' });
  });

  it('counts one attempt across journal entries of one process', () => {
    const r = parseAll(journaldJson, [
      entry({ MESSAGE: 'Invalid user oracle from 2001:db8::10 port 44001' }),
      entry({ MESSAGE: 'Failed password for invalid user oracle from 2001:db8::10 port 44001 ssh2' }),
    ], 'j', FILE_TIME);
    expect(r.events).toHaveLength(1);
    expect(r.skips['same-attempt']).toBe(1);
  });

  it('reads multi-valued fields and rejects entries without a usable message or time', () => {
    const multi = entry({ _HOSTNAME: ['web05', 'web06'], MESSAGE: 'Accepted password for a from 10.0.0.1 port 1 ssh2' });
    const r = parseAll(journaldJson, [multi, entry({ MESSAGE: { x: 1 } }), entry({ __REALTIME_TIMESTAMP: 'x', MESSAGE: 'Accepted password for a from 10.0.0.1 port 1 ssh2' })], 'j', FILE_TIME);
    expect(r.events[0]?.target).toBe('web05');
    expect(r.results.slice(1)).toEqual(['bad-record', 'bad-timestamp']);
  });
});
