import pino, { type Logger } from 'pino';

/**
 * Hubguard's structured log (JSON lines on stderr). Quiet by default on the CLI,
 * where people read tables; `HUBGUARD_LOG_LEVEL=info` (or debug) shows what runs.
 * Fields that may carry secrets are redacted whatever the caller passes.
 */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return pino(
    {
      name: 'hubguard',
      level: env.HUBGUARD_LOG_LEVEL ?? 'warn',
      redact: {
        paths: ['password', 'token', 'secret', 'apiKey', 'authorization', 'databaseUrl', '*.password', '*.token', '*.secret', '*.apiKey', '*.authorization'],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
