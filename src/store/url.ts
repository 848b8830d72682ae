import { HubguardError } from '../core/index.js';

/** Where the embedded database lives when no URL is given. */
export const DEFAULT_SQLITE_PATH = './data/hubguard.db';

/** A database URL, parsed. */
export type DatabaseTarget =
  | { dialect: 'sqlite'; /** File path, or `:memory:`. */ path: string }
  | {
      dialect: 'postgres';
      url: string;
      /** `host:port/database`, safe to print: never the password. */
      where: string;
    };

/**
 * Reads a database URL: nothing, `sqlite:<path>`, `:memory:` or a plain file
 * path mean the embedded SQLite database; `postgres://` or `postgresql://` a
 * PostgreSQL server. Any other scheme is a configuration error, rather than a
 * file that happens to be called `mysql://...`.
 */
export function parseDatabaseUrl(url: string | undefined): DatabaseTarget {
  const u = url?.trim();
  if (!u) return { dialect: 'sqlite', path: DEFAULT_SQLITE_PATH };
  if (u === ':memory:') return { dialect: 'sqlite', path: ':memory:' };
  if (/^sqlite:/i.test(u)) {
    // `sqlite:///abs/path` and `sqlite://rel/path` are common spellings of `sqlite:<path>`.
    let path = u.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (!path) throw new HubguardError('HG_ERR_CONFIG', 'sqlite: URL without a file path');
    return { dialect: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//i.test(u)) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new HubguardError('HG_ERR_CONFIG', `invalid PostgreSQL URL ${redactUrl(u)}`);
    }
    const db = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default database)';
    return { dialect: 'postgres', url: u, where: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${db}` };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(u);
  if (scheme) {
    throw new HubguardError(
      'HG_ERR_CONFIG',
      `unsupported database URL scheme ${scheme[1]}: (use sqlite:<path>, a file path, or postgres://...)`,
    );
  }
  return { dialect: 'sqlite', path: u };
}

/** Replaces the password of any `scheme://user:password@host` in a text, so it can be printed or logged. */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@');
}
