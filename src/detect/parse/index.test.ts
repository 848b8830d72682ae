import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectFormat, EVTX_FORMAT, formatNames, parserByName, PARSERS } from './index.js';
import { readLines } from './parser.contract.js';

const dir = fileURLToPath(new URL('../../../fixtures/auth-logs/', import.meta.url));

describe('format detection', () => {
  it.each([
    ['sshd/auth.log', 'sshd-syslog'],
    ['sshd/rfc5424.log', 'sshd-syslog'],
    ['sshd/iso.log', 'sshd-syslog'],
    ['sshd/dropbear.log', 'sshd-syslog'],
    ['sshd/pam.log', 'sshd-syslog'],
    ['journald/journal.json', 'journald-json'],
    ['windows/wevtutil.xml', 'windows-xml'],
    ['windows/saved.xml', 'windows-xml'],
    ['windows/winlogbeat.ndjson', 'winlogbeat-json'],
    ['entra/signins-graph.json', 'entra-json'],
    ['entra/signinlogs.ndjson', 'entra-json'],
    ['okta/systemlog.json', 'okta-json'],
    ['ocsf/auth.ndjson', 'ocsf-json'],
    ['vpn/fortigate.log', 'fortigate'],
    ['vpn/cisco-asa.log', 'cisco-asa'],
    ['vpn/globalprotect.log', 'globalprotect'],
    ['csv/logins.csv', 'csv'],
    ['mixed/collector.log', 'syslog-mixed'],
  ])('detects %s as %s', (file, name) => {
    expect(detectFormat(readLines(dir + file).slice(0, 20), file)).toBe(name);
  });

  it('detects EVTX by name or signature and gives up on unknown text', () => {
    expect(detectFormat([], 'Security.EVTX')).toBe(EVTX_FORMAT);
    expect(detectFormat(['ElfFile\u0000\u0000\u0000'], 'dump.bin')).toBe(EVTX_FORMAT);
    expect(detectFormat(['hello world', 'nothing to see'], 'notes.txt')).toBeUndefined();
    expect(detectFormat([], 'empty.log')).toBeUndefined();
  });
});

describe('parser lookup', () => {
  it('finds parsers by name and alias, case-insensitively', () => {
    for (const p of PARSERS) expect(parserByName(p.name)?.name).toBe(p.name);
    expect(parserByName('SSHD')?.name).toBe('sshd-syslog');
    expect(parserByName('dropbear')?.name).toBe('sshd-syslog');
    expect(parserByName('okta')?.name).toBe('okta-json');
    expect(parserByName('nope')).toBeUndefined();
    expect(formatNames()).toContain(EVTX_FORMAT);
  });

  it('builds the CSV parser with the given column map', () => {
    const p = parserByName('csv', { map: { time: 'when', user: 'who', outcome: 'ok' } });
    expect(p?.detect(['when,who,ok'])).toBe(true);
    expect(parserByName('csv')?.detect(['when,who,ok'])).toBe(false);
  });
});
