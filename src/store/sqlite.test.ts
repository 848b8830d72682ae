import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openDatabase } from './db.js';
import { runRepositoryContract } from './repository.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'hubguard-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A real file (not :memory:), so WAL mode and reopening are exercised as in production.
runRepositoryContract('SQLite', () => openDatabase(`sqlite:${join(dir, 'contract', 'hubguard.db')}`));
