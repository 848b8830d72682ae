import { HubguardError } from './errors.js';

/** Runs `fn` and returns the HubguardError it throws; any other outcome fails the test. */
export function caughtHubguardError(fn: () => unknown): HubguardError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HubguardError) return e;
    throw e;
  }
  throw new Error('expected a HubguardError');
}

/** Awaits `p` and returns the HubguardError it rejects with; any other outcome fails the test. */
export async function rejectedHubguardError(p: Promise<unknown>): Promise<HubguardError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HubguardError) return e;
    throw e;
  }
  throw new Error('expected a HubguardError');
}
