import { describe, expect, it } from 'vitest';
import { HubguardError } from '../../core/errors.js';
import { csvParser, parseColumnMap, splitCsv } from './csv.js';
import { parseAll } from './parser.contract.js';

const FILE_TIME = Date.UTC(2026, 2, 5);

describe('CSV', () => {
  it('splits RFC 4180 fields', () => {
    expect(splitCsv('a,"b,c","d ""q""",,e')).toEqual(['a', 'b,c', 'd "q"', '', 'e']);
    expect(splitCsv('a;b;', ';')).toEqual(['a', 'b', '']);
    expect(splitCsv('a,"open')).toBeUndefined();
  });

  it('parses --map and names every bad pair', () => {
    expect(parseColumnMap('time=ts, user=account,ip=src,outcome=result')).toEqual({ time: 'ts', user: 'account', ip: 'src', outcome: 'result' });
    expect(() => parseColumnMap('time=ts,colour=red,user')).toThrow(HubguardError);
    expect(() => parseColumnMap('time=ts,colour=red,user')).toThrow(/colour=red, user/);
  });

  it('maps named columns and outcome words', () => {
    const lines = ['ts;account;src;result', '2026-03-04T23:00:00Z;ada;203.0.113.1;FAILED', '2026-03-04T23:00:01Z;ada;203.0.113.1;Success'];
    const r = parseAll(csvParser(parseColumnMap('time=ts,user=account,ip=src,outcome=result')), lines, 'x.csv', FILE_TIME);
    expect(r.results[0]).toBe('header');
    expect(r.events.map((e) => [e.outcome, e.user, e.srcIp])).toEqual([['failure', 'ada', '203.0.113.1'], ['success', 'ada', '203.0.113.1']]);
  });

  it('reads 0 as success in a result-code column and 1 as success in a flag column', () => {
    const codes = parseAll(csvParser(), ['time,user,resulttype', '2026-03-04T23:00:00Z,a,0', '2026-03-04T23:00:00Z,a,50126'], 'x.csv', FILE_TIME);
    expect(codes.events.map((e) => e.outcome)).toEqual(['success', 'failure']);
    const flags = parseAll(csvParser(), ['time,user,success', '2026-03-04T23:00:00Z,a,1', '2026-03-04T23:00:00Z,a,0'], 'x.csv', FILE_TIME);
    expect(flags.events.map((e) => e.outcome)).toEqual(['success', 'failure']);
  });

  it('reports a header without the needed columns, bad rows and bad times', () => {
    expect(parseAll(csvParser(parseColumnMap('time=when')), ['time,user,outcome'], 'x.csv', FILE_TIME).results[0]).toBe('bad-csv');
    const r = parseAll(csvParser(), ['time,user,ip,outcome', '2026-03-04T23:00:00Z,"a,failure', 'never,a,203.0.113.1,failure', '2026-03-04T23:00:00Z,,,failure'], 'x.csv', FILE_TIME);
    expect(r.results.slice(1, 4)).toEqual(['bad-csv', 'bad-timestamp', 'bad-record']);
  });
});
