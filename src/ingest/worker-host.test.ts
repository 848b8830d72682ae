import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordKind, ValidationFailed, type RecordKindName } from '../core/index.js';
import { planImport, runImport, shardPlan, type ImportSink } from './run.js';
import { runImportInWorker, type RowSink } from './worker-host.js';

const EXAMPLE = join(import.meta.dirname, '../../fixtures/workspace/example');

/** Rows as the store would hold them: kind/key → JSON. */
function rowSink(existing: Record<string, string[]> = {}) {
  const rows = new Map<string, string>();
  const sink: RowSink = {
    async rows(kind, batch) {
      batch.keys.forEach((key, i) => rows.set(`${kind}/${key}`, 'records' in batch ? JSON.stringify(batch.records[i]) : batch.json[i]!));
    },
    async existing(kind: RecordKindName, keys) {
      const have = new Set(existing[kind] ?? []);
      return new Map(keys.filter((k) => have.has(k)).map((k) => [k, 't']));
    },
  };
  return { sink, rows };
}

async function copyOfExample(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hg-par-'));
  await cp(EXAMPLE, dir, { recursive: true });
  for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
  return dir;
}

const problemsOf = async (dir: string, readers: number) =>
  runImportInWorker([dir], rowSink().sink, { readers }).then(
    () => [],
    (e: unknown) => {
      if (e instanceof ValidationFailed) return e.problems.map((p) => `${p.location.file.split('/').pop()}:${p.location.line ?? ''} ${p.code} ${p.message}`);
      throw e;
    },
  );

describe('shardPlan', () => {
  it('gives every file of a kind to one reader, largest kinds first to the least loaded', async () => {
    const { files } = await planImport([EXAMPLE]);
    const shards = shardPlan(files, 2);
    expect(shards).toHaveLength(2);
    expect(shards.flat().map((p) => p.file.path).sort()).toEqual(files.map((p) => p.file.path).sort());
    const kindsOf = (i: number) => new Set(shards[i]!.map((p) => p.importer.soleKind!(p.file)));
    for (const k of kindsOf(0)) expect(kindsOf(1).has(k)).toBe(false);
    const load = shards.map((s) => s.reduce((n, p) => n + p.file.size, 0));
    const largest = Math.max(...files.map((p) => p.file.size));
    expect(Math.abs(load[0]! - load[1]!)).toBeLessThanOrEqual(largest);
    // Each reader keeps the plan's order.
    for (const s of shards) expect(s.map((p) => p.order)).toEqual([...s.map((p) => p.order)].sort((a, b) => a - b));
  });

  it('keeps one reader when a file may hold several kinds', async () => {
    const dir = await copyOfExample({ 'workspace.yaml': 'exercises: []\n' });
    const { files } = await planImport([dir]);
    expect(shardPlan(files, 3)).toHaveLength(1);
  });
});

describe('runImportInWorker', () => {
  it('sends records as objects while the writer keeps up, and as JSON with their tenants while batches queue up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hg-batches-'));
    const orgs = Array.from({ length: 6000 }, (_, i) => `org-${i},Org ${i},customer`);
    await writeFile(join(dir, 'organizations.csv'), ['id,name,kind', ...orgs].join('\n'));
    const kinds = (sink: ReturnType<typeof rowSink>, delayMs: number) => {
      const seen: string[] = [];
      const inner = sink.sink.rows;
      sink.sink.rows = async (kind, batch, ...rest) => {
        seen.push('records' in batch ? 'objects' : 'json');
        if ('json' in batch) batch.keys.forEach((k, i) => expect(batch.tenants[i]).toBe(k));
        await new Promise((r) => setTimeout(r, delayMs));
        return inner(kind, batch, ...rest);
      };
      return seen;
    };
    const fast = rowSink();
    const slow = rowSink();
    const fastKinds = kinds(fast, 0);
    const slowKinds = kinds(slow, 200);
    await runImportInWorker([dir], fast.sink, { readers: 1 });
    await runImportInWorker([dir], slow.sink, { readers: 1 });
    expect(fastKinds[0]).toBe('objects');
    expect(slowKinds[0]).toBe('objects');
    expect(slowKinds.slice(3)).toEqual(slowKinds.slice(3).map(() => 'json'));
    expect(slow.rows.size).toBe(6000);
    expect([...slow.rows].sort()).toEqual([...fast.rows].sort());
  });
});

describe('runImportInWorker with several readers', () => {
  it('writes exactly what one reader writes, with the same result', async () => {
    const one = rowSink();
    const two = rowSink();
    const a = await runImportInWorker([EXAMPLE], one.sink, { readers: 1 });
    const b = await runImportInWorker([EXAMPLE], two.sink, { readers: 3 });
    expect(b.counts).toEqual(a.counts);
    expect(b.files).toEqual(a.files);
    expect([...two.rows].sort()).toEqual([...one.rows].sort());
    // And what the in-thread run validates.
    const inline = new Map<string, string>();
    const sink: ImportSink = {
      write: async (kind, records) => { for (const r of records) inline.set(`${kind}/${recordKind(kind).key(r as never)}`, JSON.stringify(r)); },
      merge: async () => undefined,
      existing: async () => new Map(),
    };
    await runImport([EXAMPLE], sink);
    expect([...two.rows].sort()).toEqual([...inline].sort());
  });

  it('resolves references across readers and reports those no reader or the database has, in file order', async () => {
    const { readFile } = await import('node:fs/promises');
    const grants = (await readFile(join(EXAMPLE, 'grants.csv'), 'utf8')).trimEnd();
    const members = (await readFile(join(EXAMPLE, 'memberships.csv'), 'utf8')).trimEnd();
    const dir = await copyOfExample({
      // A grant to a group no file defines, one to a group another reader defines, and a membership of an unknown identity.
      'grants.csv': `${grants}\nghost-grant,st-brigid-clinic,harbor-ghosts,group,st-brigid-clinic,organization,operator,,standing,gdap,,2025-01-15,,,,\nok-grant,st-brigid-clinic,harbor-tier2,group,st-brigid-clinic,organization,operator,,standing,gdap,,2025-01-15,,,,\n`,
      'memberships.csv': `${members}\nharbor-msp,harbor-tier2,nobody@harbor-it.example,identity\n`,
    });
    const one = await problemsOf(dir, 1);
    const two = await problemsOf(dir, 2);
    expect(one).toEqual([
      expect.stringMatching(/^memberships\.csv:\d+ HG_ERR_DANGLING_REF no identity "nobody@harbor-it\.example"/),
      expect.stringMatching(/^grants\.csv:\d+ HG_ERR_DANGLING_REF no group "harbor-ghosts"/),
    ]);
    expect(two).toEqual(one);
    // A key the database holds resolves too.
    expect(await runImportInWorker([dir], rowSink({ identity: ['nobody@harbor-it.example'], group: ['harbor-ghosts'] }).sink, { readers: 2 })).toMatchObject({ counts: { grant: 8 } });
  });

  it('reports a key defined twice in a file and problems of several readers in the plan\'s order', async () => {
    const dir = await copyOfExample();
    const { readFile } = await import('node:fs/promises');
    const ids = (await readFile(join(dir, 'identities.csv'), 'utf8')).trimEnd().split('\n');
    const svc = (await readFile(join(dir, 'services.csv'), 'utf8')).trimEnd().split('\n');
    await writeFile(join(dir, 'identities.csv'), [...ids, ids[1]!].join('\n') + '\n');
    await writeFile(join(dir, 'services.csv'), [...svc, svc[1]!.replace(/,\d+,/, ',not-a-port,')].join('\n') + '\n');
    const one = await problemsOf(dir, 1);
    const three = await problemsOf(dir, 3);
    expect(one.some((p) => p.includes('HG_ERR_DUPLICATE_KEY'))).toBe(true);
    expect(one.some((p) => p.startsWith('services.csv'))).toBe(true);
    expect(three).toEqual(one);
  });
});
