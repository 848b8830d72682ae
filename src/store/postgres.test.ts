import { runRepositoryContract } from './repository.contract.js';
import { onPostgres } from './test-support/postgres.js';

// The repository contract on PostgreSQL when HUBGUARD_TEST_DATABASE_URL is set (see onPostgres).
onPostgres('hubguard_test', (open) => runRepositoryContract('PostgreSQL', open));
