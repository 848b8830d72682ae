import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { openDatabase } from '../store/db.js';
import { Repository } from '../store/repository.js';
import { runCli, tempDir } from './test-support.js';

/** An sshd log with one source guessing one account's password, then getting in. */
function bruteForceLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < 12; i++) {
    lines.push(`2026-11-20T10:00:${String(i * 2).padStart(2, '0')}+00:00 web1 sshd[${100 + i}]: Failed password for alice from 203.0.113.9 port ${40000 + i} ssh2`);
  }
  lines.push('2026-11-20T10:01:00+00:00 web1 sshd[200]: Accepted password for alice from 203.0.113.9 port 41000 ssh2');
  return `${lines.join('\n')}\n`;
}

describe('hubguard detect --db', () => {
  it('stores the alerts in the database, merged across runs', async () => {
    const dir = await tempDir();
    const log = join(dir, 'auth.log');
    await writeFile(log, bruteForceLog());
    const db = join(dir, 'hg.db');
    const first = await runCli(['detect', log, '--db', db]);
    expect(first.code, first.err).toBe(3);
    expect(first.err).toMatch(/stored \d+ alert\(s\) in the database/);
    const again = await runCli(['detect', log, '--db', db]);
    expect(again.code).toBe(3);
    const d = await openDatabase(db);
    try {
      const alerts = await new Repository(d).listAlerts(allTenants('test'));
      const detectors = alerts.map((a) => a.detector);
      expect(detectors).toContain('success-after-failures');
      expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);
      expect(alerts.find((a) => a.detector === 'success-after-failures')!.entities.users).toContain('alice');
    } finally {
      await d.close();
    }
  });
});
