import { mkdtemp, writeFile, cp, mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordKind, ValidationFailed, type RecordKindName } from '../core/index.js';
import { runImport, type ImportSink } from './run.js';

const EXAMPLE = join(import.meta.dirname, '../../fixtures/workspace/example');

/** An in-memory sink keyed like the store: (kind, natural key) → record. */
function memorySink(existing: Record<string, string[]> = {}) {
  const rows = new Map<string, object>();
  const writes: string[] = [];
  const sink: ImportSink = {
    async write(kind, records) {
      writes.push(kind);
      for (const r of records) rows.set(`${kind}/${recordKind(kind).key(r as never)}`, r);
    },
    async merge(kind, records, fields) {
      writes.push(`${kind}+`);
      for (const r of records) {
        const id = `${kind}/${recordKind(kind).key(r as never)}`;
        const old = rows.get(id) as Record<string, unknown> | undefined;
        rows.set(id, old ? { ...old, ...Object.fromEntries(fields.filter((f) => f in r).map((f) => [f, (r as Record<string, unknown>)[f]])) } : r);
      }
    },
    async existing(kind: RecordKindName, keys) {
      const have = new Set(existing[kind] ?? []);
      return new Map(keys.filter((k) => have.has(k)).map((k) => [k, 't']));
    },
  };
  return { sink, rows, writes };
}

async function workspace(files: Record<string, string | Buffer>, withOrgs = true): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hg-ws-'));
  if (withOrgs) await cp(join(EXAMPLE, 'organizations.yaml'), join(dir, 'organizations.yaml'));
  for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
  return dir;
}

async function problemsOf(dir: string | string[], existing?: Record<string, string[]>) {
  const { sink } = memorySink(existing);
  try {
    await runImport(Array.isArray(dir) ? dir : [dir], sink);
  } catch (e) {
    if (e instanceof ValidationFailed) return e.problems;
    throw e;
  }
  return [];
}

describe('runImport on the example workspace', () => {
  it('imports every kind', async () => {
    const { sink } = memorySink();
    const r = await runImport([EXAMPLE], sink);
    expect(r.counts).toMatchObject({ organization: 3, identity: 9, group: 4, membership: 7, role: 4, asset: 6, grant: 6, service: 3, backup: 2, logSource: 4, agreement: 2, irPlan: 1, exercise: 1 });
    expect(r.files.every((f) => f.importer === 'workspace')).toBe(true);
  });
  it('is idempotent: importing twice gives the same state', async () => {
    const m = memorySink();
    await runImport([EXAMPLE], m.sink);
    const first = JSON.stringify([...m.rows.entries()].sort());
    await runImport([EXAMPLE], m.sink);
    expect(JSON.stringify([...m.rows.entries()].sort())).toBe(first);
  });
  it('normalizes values: timestamps to UTC ISO, domains lower-case, CSV lists and booleans', async () => {
    const m = memorySink();
    await runImport([EXAMPLE], m.sink);
    const svc = m.rows.get('identity/svc-rmm@harbor-it.example') as Record<string, unknown>;
    expect(svc.enabled).toBe(true);
    const ana = m.rows.get('identity/ana@harbor-it.example') as Record<string, unknown>;
    expect(ana.mfa).toEqual(['fido2', 'authenticator-push']);
    expect(ana.lastSignIn).toBe('2026-11-20T08:12:00.000Z');
    const ex = m.rows.get('exercise/ex-stbrigid-2025') as Record<string, unknown>;
    expect(ex.date).toBe('2025-09-15T00:00:00.000Z');
  });
});

describe('runImport on bad input', () => {
  it('reports a dangling reference with file, line and field, and resolves references to earlier imports', async () => {
    const grants = 'id,tenant,principal,target,privilege,via\ng1,st-brigid-clinic,ghost@x.example,st-brigid-clinic,admin,gdap\n';
    const dir = await workspace({ 'grants.csv': grants });
    const p = await problemsOf(dir);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ code: 'HG_ERR_DANGLING_REF', location: { file: join(dir, 'grants.csv'), line: 2, field: 'principal' } });
    expect(await problemsOf(dir, { identity: ['ghost@x.example'] })).toEqual([]);
  });
  it('reports duplicate keys naming the first definition', async () => {
    const ids = 'id,tenant,displayName\na@x.example,harbor-msp,A\nb@x.example,harbor-msp,B\na@x.example,keel-law,A again\n';
    const p = await problemsOf(await workspace({ 'identities.csv': ids }));
    expect(p).toHaveLength(1);
    expect(p[0]!.code).toBe('HG_ERR_DUPLICATE_KEY');
    expect(p[0]!.location.line).toBe(4);
    expect(p[0]!.message).toMatch(/identities\.csv:2/);
  });
  it('reports unknown and missing columns at the header', async () => {
    const p = await problemsOf(await workspace({ 'identities.csv': 'id,tenant,colour\na,harbor-msp,red\n' }));
    expect(p.map((x) => [x.code, x.location.line, x.location.field])).toEqual([
      ['HG_ERR_UNKNOWN_COLUMN', 1, 'colour'],
      ['HG_ERR_MISSING_COLUMN', 1, 'displayName'],
    ]);
  });
  it('reports wrong types once per field, with the column', async () => {
    const ids = 'id,tenant,displayName,enabled,mfa,lastSignIn\na@x.example,harbor-msp,A,maybe,sms;pigeon,yesterday\n';
    const p = await problemsOf(await workspace({ 'identities.csv': ids }));
    expect(p.map((x) => `${x.location.line}:${x.location.column}:${x.location.field}`)).toEqual(['2:4:enabled', '2:5:mfa.1', '2:6:lastSignIn']);
  });
  it('locates problems inside JSON and YAML records', async () => {
    const json = '[\n  {"id": "a", "tenant": "harbor-msp",\n   "displayName": 5, "bogus": 1}\n]\n';
    const p = await problemsOf(await workspace({ 'identities.json': json }));
    expect(p.map((x) => [x.code, x.location.line, x.location.field])).toEqual([
      ['HG_ERR_VALIDATION', 3, 'displayName'],
      ['HG_ERR_UNKNOWN_COLUMN', 3, 'bogus'],
    ]);
    const yaml = '- id: a\n  tenant: harbor-msp\n  displayName: A\n  mfa: [sms, carrier-pigeon]\n';
    const q = await problemsOf(await workspace({ 'identities.yaml': yaml }));
    expect(q.map((x) => [x.location.line, x.location.field])).toEqual([[4, 'mfa.1']]);
  });
  it('reports malformed JSON and YAML with a location', async () => {
    const p = await problemsOf(await workspace({ 'identities.json': '[{"id": "a",\n "tenant": }]' }));
    expect(p[0]).toMatchObject({ code: 'HG_ERR_JSON', location: { line: 2 } });
    const q = await problemsOf(await workspace({ 'identities.yaml': '- id: a\n  id: b\n' }));
    expect(q[0]!.code).toBe('HG_ERR_DUPLICATE_KEY');
    expect(q[0]!.location.line).toBe(2);
  });
  it('refuses a YAML alias bomb', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
    const p = await problemsOf(await workspace({ 'workspace.yaml': `${bomb.join('\n')}\n` }));
    expect(p[0]!.code).toBe('HG_ERR_YAML');
  });
  it('reports a large file of binary garbage as an encoding error without reading it as records', async () => {
    const p = await problemsOf(await workspace({ 'assets.csv': randomBytes(100 * 1024 * 1024) }));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ code: 'HG_ERR_ENCODING', location: { line: expect.any(Number) } });
  });
  it('writes nothing more once a problem is seen, and throws with every problem', async () => {
    const m = memorySink();
    const dir = await workspace({ 'identities.csv': 'id,tenant,displayName,enabled\na,harbor-msp,A,maybe\n', 'groups.csv': 'id,tenant,name\ng,nowhere,G\n' });
    await expect(runImport([dir], m.sink)).rejects.toBeInstanceOf(ValidationFailed);
    expect(m.writes).toEqual(['organization']);
    expect(await problemsOf(dir)).toHaveLength(2);
  });
  it('reads a combined workspace file and rejects unknown kinds in it', async () => {
    const ok = await workspace({ 'workspace.yaml': 'identities:\n  - {id: a, tenant: harbor-msp, displayName: A}\n' });
    expect(await problemsOf(ok)).toEqual([]);
    const bad = await workspace({ 'workspace.yaml': 'identitys:\n  - {id: a}\n' });
    expect((await problemsOf(bad))[0]!.code).toBe('HG_ERR_UNKNOWN_COLUMN');
  });
  it('skips unrecognized files in a folder but rejects one named explicitly', async () => {
    const dir = await workspace({ 'README.md': '# notes\n' });
    const m = memorySink();
    const r = await runImport([dir], m.sink);
    expect(r.skipped).toEqual([{ path: join(dir, 'README.md'), reason: 'not recognized' }]);
    expect((await problemsOf(join(dir, 'README.md')))[0]!.code).toBe('HG_ERR_UNRECOGNIZED_FILE');
  });
  it('fails clearly on a missing path', async () => {
    const { sink } = memorySink();
    await expect(runImport(['/nonexistent/hubguard'], sink)).rejects.toMatchObject({ code: 'HG_ERR_FILE_NOT_FOUND' });
  });
  it('accepts nested workspace folders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hg-ws-'));
    await mkdir(join(dir, 'msp'));
    await cp(EXAMPLE, join(dir, 'msp', 'example'), { recursive: true });
    expect(await problemsOf(dir)).toEqual([]);
  });
});

describe('runImport merge batches', () => {
  /** An importer that yields its candidates as one merge batch of identities. */
  const mergeImporter = (fields: string[]) => ({
    name: 'partial',
    recognize: (f: { name: string }) => (f.name.endsWith('.partial') ? 100 : 0),
    order: () => 0.5,
    async *read(f: { path: string }) {
      yield {
        kind: 'identity' as const,
        merge: fields,
        items: [{ value: { id: 'a@x.example', tenant: 'harbor-msp', displayName: 'A', mfa: ['fido2'] }, location: { file: f.path, line: 1 } }],
      };
    },
  });

  it('lets a whole record follow a merge of the same key (the whole record wins)', async () => {
    const dir = await workspace({ 'mfa.partial': 'x', 'identities.csv': 'id,tenant,displayName,enabled\na@x.example,harbor-msp,A,false\n' });
    const m = memorySink();
    const { workspaceImporter } = await import('./workspace/importer.js');
    await runImport([dir], m.sink, { importers: [workspaceImporter, mergeImporter(['mfa']) as never] });
    expect(m.rows.get('identity/a@x.example')).toMatchObject({ enabled: false, mfa: [] });
    expect(m.writes).toEqual(['organization', 'identity+', 'identity']);
  });

  it('still refuses two whole records with one key', async () => {
    const dir = await workspace({ 'identities.csv': 'id,tenant,displayName\na@x.example,harbor-msp,A\n', 'identities.json': '[{"id": "a@x.example", "tenant": "harbor-msp", "displayName": "B"}]' });
    const p = await problemsOf(dir);
    expect(p.map((x) => x.code)).toEqual(['HG_ERR_DUPLICATE_KEY']);
  });
});

describe('runImport warnings', () => {
  it('collects importer warnings without failing the import', async () => {
    const warner = {
      name: 'warner',
      recognize: (f: { name: string }) => (f.name.endsWith('.warn') ? 100 : 0),
      order: () => 5,
      async *read(f: { path: string }, ctx: { warn?: (m: string, l: { file: string; line?: number }) => void }) {
        ctx.warn?.('device members are not imported', { file: f.path, line: 3 });
        yield* [];
      },
    };
    const dir = await workspace({ 'x.warn': 'x' });
    const { workspaceImporter } = await import('./workspace/importer.js');
    const r = await runImport([dir], memorySink().sink, { importers: [workspaceImporter, warner as never] });
    expect(r.warnings).toEqual([{ message: 'device members are not imported', location: { file: join(dir, 'x.warn'), line: 3 } }]);
    expect(r.warningCount).toBe(1);
  });
});
