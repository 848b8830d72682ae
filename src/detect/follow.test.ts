import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followInput } from './follow.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hg-follow-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('following a live file', () => {
  it('reads appended data, restarts after truncation, and switches to the new file after rotation', async () => {
    const path = join(dir, 'auth.log');
    await writeFile(path, 'one\n');
    const stop = new AbortController();
    const it = followInput(path, { signal: stop.signal, pollMs: 10 }).open()[Symbol.asyncIterator]();
    const next = async (): Promise<string> => String((await it.next()).value);
    expect(await next()).toBe('one\n');
    await appendFile(path, 'two\n');
    expect(await next()).toBe('two\n');
    await writeFile(path, 'x\n'); // copytruncate: shorter than what was read
    expect(await next()).toBe('x\n');
    await rename(path, `${path}.1`);
    await writeFile(path, 'new\n'); // rotation: the path names another file
    expect(await next()).toBe('new\n');
    stop.abort();
    expect((await it.next()).done).toBe(true);
  });
});
