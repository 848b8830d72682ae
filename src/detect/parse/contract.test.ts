/**
 * Runs the shared parser contract on every parser in PARSERS with its
 * hand-written fixtures (fixtures/auth-logs). A parser added to PARSERS
 * without fixtures here fails the first test.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PARSERS } from './index.js';
import { parserContract, readLines, type ContractFixture } from './parser.contract.js';

const dir = fileURLToPath(new URL('../../../fixtures/auth-logs/', import.meta.url));
/** Fixture files are dated 4 March 2026; they are taken as written the next day. */
const FILE_TIME = Date.UTC(2026, 2, 5);
const fx = (path: string, minEvents: number): ContractFixture => ({ path: dir + path, fileTime: FILE_TIME, minEvents });

const FIXTURES: Record<string, ContractFixture[]> = {
  'sshd-syslog': [fx('sshd/auth.log', 20), fx('sshd/rfc5424.log', 3), fx('sshd/iso.log', 3), fx('sshd/dropbear.log', 8), fx('sshd/pam.log', 6)],
  'journald-json': [fx('journald/journal.json', 5)],
  'windows-xml': [fx('windows/wevtutil.xml', 12), fx('windows/saved.xml', 2)],
  'winlogbeat-json': [fx('windows/winlogbeat.ndjson', 3)],
  'entra-json': [fx('entra/signins-graph.json', 5), fx('entra/signinlogs.ndjson', 7)],
  'okta-json': [fx('okta/systemlog.json', 8)],
  'ocsf-json': [fx('ocsf/auth.ndjson', 3)],
  fortigate: [fx('vpn/fortigate.log', 4)],
  'cisco-asa': [fx('vpn/cisco-asa.log', 8)],
  globalprotect: [fx('vpn/globalprotect.log', 3)],
  csv: [fx('csv/logins.csv', 5)],
  'syslog-mixed': [fx('mixed/collector.log', 5)],
};

/**
 * Formats whose files contain lines of other formats: a collector file mixes
 * auth.log and appliance lines, so each member may rightly claim its sample
 * (detectFormat tries the mixed parser first).
 */
const CONTAINS: Record<string, string[]> = {
  'syslog-mixed': ['sshd-syslog', 'cisco-asa', 'fortigate', 'globalprotect'],
};

describe('parser registry', () => {
  it('has fixtures for every parser', () => {
    for (const p of PARSERS) expect(FIXTURES[p.name], p.name).toBeDefined();
  });
  it('has unique parser names', () => {
    expect(new Set(PARSERS.map((p) => p.name)).size).toBe(PARSERS.length);
  });
});

for (const parser of PARSERS) {
  const foreign = Object.entries(FIXTURES)
    .filter(([name]) => name !== parser.name && !CONTAINS[name]?.includes(parser.name))
    .flatMap(([name, list]) => list.map((f) => ({ name: `${name}:${f.path.slice(dir.length)}`, sample: readLines(f.path).slice(0, 20) })));
  parserContract({ parser, fixtures: FIXTURES[parser.name] ?? [], foreign });
}
