import { describe } from 'vitest';
import type { Database } from './db.js';
import { alertsAuditContract } from './test-support/alerts-audit.contract.js';
import { bulkWritesContract } from './test-support/bulk-writes.contract.js';
import { findingsContract } from './test-support/findings.contract.js';
import { useHarness } from './test-support/harness.js';
import { recordsContract } from './test-support/records.contract.js';
import { tenancyContract } from './test-support/tenancy.contract.js';
import { transactionContract } from './test-support/transaction.contract.js';

/**
 * The behaviour every database behind the Repository must show (one suite, run
 * by sqlite.test.ts and postgres.test.ts). `open` opens the same, already
 * existing database each time it is called; every test starts from empty
 * tables, so a server database can be created once per run.
 */
export function runRepositoryContract(label: string, open: () => Promise<Database>): void {
  describe(`Repository contract on ${label}`, () => {
    const h = useHarness(open);
    recordsContract(h);
    bulkWritesContract(h);
    tenancyContract(h);
    transactionContract(h);
    findingsContract(h);
    alertsAuditContract(h);
  });
}
