import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAll, readLines } from './parser.contract.js';
import { krbReason, mapWindows, ntReason } from './windows-map.js';
import { mapEventXml, readEventXml, windowsXml, xmlText } from './windows-xml.js';
import { winlogbeatJson } from './winlogbeat.js';

const dir = fileURLToPath(new URL('../../../fixtures/auth-logs/', import.meta.url));
const FILE_TIME = Date.UTC(2026, 2, 5);
const ctx = () => ({ file: 'sec.xml', line: 1, state: {}, fileTime: FILE_TIME });

/** The shape @ts-evtx/core's renderXml() gives: double quotes, `Qualifiers` on EventID. */
const rendered = (id: number, data: Record<string, string>, extra = '') =>
  `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-a5ba-3e3b0328c30d}"/><EventID Qualifiers="">${id}</EventID>${extra}<TimeCreated SystemTime="2026-03-04T14:00:00.000Z"/><EventRecordID>42</EventRecordID><Computer>DC01.corp.example</Computer></System><EventData>${Object.entries(data).map(([k, v]) => `<Data Name="${k}">${v}</Data>`).join('')}</EventData></Event>`;

describe('Windows status codes', () => {
  it('maps NTSTATUS, preferring the SubStatus when Status is generic', () => {
    expect(ntReason('0xC000006D', '0xC000006A')).toBe('bad-password');
    expect(ntReason('0xc000006d', '0xc0000064')).toBe('unknown-user');
    expect(ntReason('0xc0000234', '0x0')).toBe('locked');
    expect(ntReason('0xc000006e', '0xc0000072')).toBe('disabled');
    expect(ntReason('0xc000006e', '0xc0000071')).toBe('expired');
    expect(ntReason('0xc000006e', '0xc0000193')).toBe('expired');
    expect(ntReason('0xc000015b', undefined)).toBe('other');
  });
  it('maps Kerberos error codes', () => {
    expect(krbReason('0x18')).toBe('bad-password');
    expect(krbReason('0x6')).toBe('unknown-user');
    expect(krbReason('0x12')).toBe('locked');
    expect(krbReason('0x17')).toBe('expired');
    expect(krbReason('0x25')).toBe('other');
  });
});

describe('Windows event mapping', () => {
  it('maps lockouts, password changes and explicit-credential logons', () => {
    const lock = mapWindows({ eventId: 4740, time: 1, computer: 'DC01', data: { TargetUserName: 'bob', TargetDomainName: 'WS-0042' } }, ctx(), 'raw');
    expect(lock).toEqual([expect.objectContaining({ activity: 'lockout', reason: 'locked', user: 'bob', srcHost: 'ws-0042', outcome: 'unknown' })]);
    const reset = mapWindows({ eventId: 4724, time: 1, keywords: '0x8020000000000000', data: { TargetUserName: 'gina', TargetDomainName: 'CORP', SubjectUserName: 'msp-tech1' } }, ctx(), 'raw');
    expect(reset).toEqual([expect.objectContaining({ activity: 'password-change', outcome: 'success', user: 'gina', userDomain: 'corp' })]);
    const failedChange = mapWindows({ eventId: 4723, time: 1, keywords: 'Audit Failure', data: { TargetUserName: 'gina' } }, ctx(), 'raw');
    expect(failedChange).toEqual([expect.objectContaining({ activity: 'password-change', outcome: 'failure' })]);
    expect(mapWindows({ eventId: 4688, time: 1, data: {} }, ctx(), 'raw')).toBe('not-auth');
  });

  it('skips service and system logons but keeps people and their logon type', () => {
    const svc = mapWindows({ eventId: 4624, time: 1, data: { LogonType: '5', TargetUserSid: 'S-1-5-18', TargetUserName: 'SYSTEM' } }, ctx(), 'raw');
    expect(svc).toBe('not-auth');
    const rdp = mapWindows({ eventId: 4624, time: 1, data: { LogonType: '10', TargetUserName: 'alice', TargetDomainName: 'CORP', IpAddress: '::ffff:198.51.100.30', IpPort: '0' } }, ctx(), 'raw');
    expect(rdp).toEqual([expect.objectContaining({ outcome: 'success', logonType: 10, srcIp: '198.51.100.30', srcPort: undefined, user: 'alice' })]);
  });

  it('maps a record rendered by the EVTX library', () => {
    const xml = rendered(4771, { TargetUserName: 'dave', Status: '0x18', IpAddress: '::ffff:203.0.113.203', IpPort: '49822' });
    expect(mapEventXml(xml, ctx())).toEqual([
      expect.objectContaining({ time: Date.UTC(2026, 2, 4, 14), reason: 'bad-password', user: 'dave', srcIp: '203.0.113.203', srcPort: 49822, method: 'kerberos', target: 'dc01.corp.example' }),
    ]);
  });

  it('uses the record header time when TimeCreated is missing', () => {
    const xml = rendered(4625, { TargetUserName: 'x', SubStatus: '0xc000006a' }).replace(/<TimeCreated[^>]*>/, '');
    expect(mapEventXml(xml, ctx())).toBe('bad-timestamp');
    expect(mapEventXml(xml, ctx(), Date.UTC(2026, 0, 1))).toEqual([expect.objectContaining({ time: Date.UTC(2026, 0, 1) })]);
  });
});

describe('Windows XML reading', () => {
  it('decodes only predefined entities and character references', () => {
    expect(xmlText('O&apos;Brien &lt;x&gt; &amp; &#65;&#x42; &lol3;')).toBe("O'Brien <x> & AB &lol3;");
    const r = readEventXml(rendered(4625, { TargetUserName: 'O&apos;Brien' }));
    expect(typeof r !== 'string' && r.data.TargetUserName).toBe("O'Brien");
  });

  it('refuses a document with a DTD from that line on, without expanding anything', () => {
    const r = parseAll(windowsXml, readLines(`${dir}bad/billion-laughs.xml`), 'bl.xml', FILE_TIME);
    expect(r.events).toEqual([]);
    expect(r.results[0]).toBe('header');
    expect(r.results.slice(1, -1).every((x) => x === 'hostile-xml')).toBe(true);
    expect(readEventXml('<Event><!ENTITY x "y"><EventID>4625</EventID></Event>')).toBe('hostile-xml');
  });

  it('reports an event cut off at end of file', () => {
    const r = parseAll(windowsXml, readLines(`${dir}bad/truncated.xml`), 't.xml', FILE_TIME);
    expect(r.events).toEqual([]);
    expect(r.results[r.results.length - 1]).toBe('truncated');
  });

  it('reads several events on one line and events spread over lines', () => {
    const a = rendered(4625, { TargetUserName: 'a', SubStatus: '0xc000006a', IpAddress: '203.0.113.1' });
    const b = rendered(4624, { TargetUserName: 'b', LogonType: '3', IpAddress: '203.0.113.2' });
    const one = parseAll(windowsXml, [`<Events>${a}${b}</Events>`], 'x', FILE_TIME);
    expect(one.events.map((e) => [e.user, e.line])).toEqual([['a', 1], ['b', 1]]);
    const split = parseAll(windowsXml, [a.slice(0, 300), a.slice(300) + b.slice(0, 100), b.slice(100)], 'x', FILE_TIME);
    expect(split.events.map((e) => [e.user, e.line])).toEqual([['a', 1], ['b', 2]]);
  });

  it('reads an event spread over many lines in linear time, and refuses one over the size cap', () => {
    const ev = rendered(4625, { TargetUserName: 'a', SubStatus: '0xc000006a', IpAddress: '203.0.113.1' });
    const filler = Array.from({ length: 50_000 }, () => '<!-- - -->');
    const t0 = Date.now();
    const cut = ev.indexOf('<EventData>');
    const ok = parseAll(windowsXml, [ev.slice(0, cut), ...filler, ev.slice(cut)], 'x', FILE_TIME);
    expect(ok.events.map((e) => e.line)).toEqual([1]);
    const big = parseAll(windowsXml, [ev.slice(0, cut), ...Array.from({ length: 200_000 }, () => 'x'.repeat(10)), ev.slice(cut)], 'x', FILE_TIME);
    expect(big.skips['record-too-large']).toBe(1);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('reports the saved Event Viewer document with events at their first line', () => {
    const r = parseAll(windowsXml, readLines(`${dir}windows/saved.xml`), 'saved.xml', FILE_TIME);
    expect(r.events.map((e) => [e.line, e.outcome, e.activity])).toEqual([[3, 'failure', 'logon'], [33, 'success', 'password-change']]);
  });
});

describe('Winlogbeat / ECS JSON', () => {
  it('reads nested and flattened event data and falls back to ECS fields', () => {
    const r = parseAll(winlogbeatJson, readLines(`${dir}windows/winlogbeat.ndjson`), 'wlb.ndjson', FILE_TIME);
    expect(r.events.map((e) => [e.outcome, e.reason, e.user, e.srcIp])).toEqual([
      ['failure', 'bad-password', 'jsmith', '203.0.113.210'],
      ['success', undefined, 'jsmith', '2001:db8::99'],
      ['failure', 'bad-password', 'kim', '203.0.113.211'],
    ]);
    expect(r.skips['not-auth']).toBe(1);
  });
});
