import { describe, expect, it } from 'vitest';
import { lifecycleCatalog, parseLifecycle } from '../../catalog/lifecycle.js';
import { Asset } from '../../core/index.js';
import { endOfLifeOf, inBranch, lifecycleMatcher } from './lifecycle.js';

const asset = (over: Record<string, unknown>): Asset => Asset.parse({ id: 'a1', tenant: 'acme', name: 'Box', kind: 'device', ...over });
const lookup = lifecycleMatcher(lifecycleCatalog());
const entryOf = (over: Record<string, unknown>) => lookup(asset(over))?.entry.id;

describe('lifecycle matching', () => {
  it('version branches cover the versions under them, not their neighbours', () => {
    expect(inBranch('6.2.16', '6.2')).toBe(true);
    expect(inBranch('6.2', '6.2')).toBe(true);
    expect(inBranch('6.20.1', '6.2')).toBe(false);
    expect(inBranch('9.1R18.2', '9')).toBe(true);
    expect(inBranch('22.4R2.1', '9')).toBe(false);
    expect(inBranch(undefined, '9')).toBe(false);
  });

  it('finds Windows Server by prose name with an edition, and by CPE', () => {
    expect(entryOf({ vendor: 'Microsoft', product: 'Windows Server 2012 R2 Standard', version: '6.3.9600' })).toBe('windows-server-2012');
    expect(entryOf({ cpe: 'cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*' })).toBe('windows-server-2016');
    expect(entryOf({ vendor: 'Microsoft', product: 'Windows Server 2025 Standard' })).toBeUndefined();
  });

  it('uses version branches for FortiOS through the CPE of a FortiGate', () => {
    const fg = (v: string) => ({ vendor: 'Fortinet', product: 'FortiGate 60F', version: v, cpe: `cpe:2.3:o:fortinet:fortios:${v}:*:*:*:*:*:*:*` });
    expect(entryOf(fg('6.2.16'))).toBe('fortios-6-2');
    expect(entryOf(fg('7.0.12'))).toBe('fortios-7-0');
    expect(entryOf(fg('7.4.9'))).toBeUndefined();
  });

  it('resolves vendor aliases (Ivanti / Pulse Secure) and keeps 22.x out of the 9.x entry', () => {
    expect(entryOf({ vendor: 'Pulse Secure', product: 'Pulse Connect Secure', version: '9.1R11.4' })).toBe('pulse-connect-secure-9');
    expect(entryOf({ vendor: 'Ivanti', product: 'Connect Secure', version: '22.4R2.1' })).toBeUndefined();
    // A product without a vendor is never matched.
    expect(entryOf({ product: 'Pulse Connect Secure', version: '9.1R11.4' })).toBeUndefined();
  });

  it('reads Exchange, Linux and ESXi releases from NVD CPE names', () => {
    const cpe = (c: string) => entryOf({ cpe: c });
    expect(cpe('cpe:2.3:a:microsoft:exchange_server:2016:cumulative_update_23:*:*:*:*:*:*')).toBe('exchange-2016');
    expect(cpe('cpe:2.3:o:canonical:ubuntu_linux:18.04:*:*:*:lts:*:*:*')).toBe('ubuntu-18-04');
    expect(cpe('cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*')).toBe('debian-10');
    expect(cpe('cpe:2.3:o:redhat:enterprise_linux:7.9:*:*:*:*:*:*:*')).toBe('rhel-7');
    expect(cpe('cpe:2.3:o:vmware:esxi:6.7.0:*:*:*:*:*:*:*')).toBe('esxi-6-7');
    expect(cpe('cpe:2.3:o:vmware:esxi:8.0:*:*:*:*:*:*:*')).toBeUndefined();
    expect(entryOf({ vendor: 'Canonical', product: 'Ubuntu', version: '20.04.6 LTS' })).toBe('ubuntu-20-04');
  });

  it('leaves long-term servicing editions of Windows 10 out', () => {
    expect(entryOf({ vendor: 'Microsoft', product: 'Windows 10 Pro', version: '22H2' })).toBe('windows-10');
    expect(entryOf({ vendor: 'Microsoft', product: 'Windows 10 Enterprise LTSC 2019', cpe: 'cpe:2.3:o:microsoft:windows_10_1809:-:*:*:*:*:*:x64:*' })).toBeUndefined();
  });

  it('picks the most specific entry', () => {
    const cat = parseLifecycle(
      'version: 1.0.0\ndate: 2026-01-01\nsource: t\nproducts:\n' +
        '  - {id: any, name: Any, vendors: [Acme], match: [{product: Widget}], endOfLife: 2030-01-01, reference: r}\n' +
        '  - {id: pro, name: Pro, vendors: [Acme], match: [{product: Widget Pro}], endOfLife: 2029-01-01, reference: r}\n' +
        '  - {id: pro5, name: Pro 5, vendors: [Acme], match: [{product: Widget Pro, versions: ["5"]}], endOfLife: 2028-01-01, reference: r}\n',
      't.yaml',
    );
    const l = lifecycleMatcher(cat);
    expect(l(asset({ vendor: 'Acme', product: 'Widget Basic' }))?.entry.id).toBe('any');
    expect(l(asset({ vendor: 'Acme', product: 'Widget Pro', version: '4.1' }))?.entry.id).toBe('pro');
    expect(l(asset({ vendor: 'Acme', product: 'Widget Pro Max', version: '5.0.2' }))).toMatchObject({ entry: { id: 'pro5' }, matchedAs: 'acme:widget_pro_max:5.0.2' });
    expect(l(asset({ vendor: 'Acme', product: 'Widgetry' }))).toBeUndefined();
  });

  it("prefers the asset's own endOfLife over the catalog", () => {
    const own = endOfLifeOf(asset({ vendor: 'Microsoft', product: 'Windows Server 2016', endOfLife: '2026-03-01' }), lookup);
    expect(own).toEqual({ date: '2026-03-01T00:00:00.000Z', source: 'asset' });
    const cat = endOfLifeOf(asset({ vendor: 'Microsoft', product: 'Windows Server 2016' }), lookup);
    expect(cat).toMatchObject({ date: '2027-01-12T00:00:00.000Z', source: 'lifecycle-catalog', entry: { id: 'windows-server-2016' } });
  });
});
