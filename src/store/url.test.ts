import { describe, expect, it } from 'vitest';
import { DEFAULT_SQLITE_PATH, parseDatabaseUrl, redactUrl } from './url.js';

describe('parseDatabaseUrl', () => {
  it('defaults to the embedded database file', () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ dialect: 'sqlite', path: DEFAULT_SQLITE_PATH });
    expect(parseDatabaseUrl('  ')).toEqual({ dialect: 'sqlite', path: DEFAULT_SQLITE_PATH });
  });

  it('reads the SQLite spellings', () => {
    expect(parseDatabaseUrl(':memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('sqlite:./x.db')).toEqual({ dialect: 'sqlite', path: './x.db' });
    expect(parseDatabaseUrl('sqlite:///var/lib/hg.db')).toEqual({ dialect: 'sqlite', path: '/var/lib/hg.db' });
    expect(parseDatabaseUrl('/tmp/hg.db')).toEqual({ dialect: 'sqlite', path: '/tmp/hg.db' });
  });

  it('reads PostgreSQL URLs and describes them without the password', () => {
    const t = parseDatabaseUrl('postgresql://hg:s3cret@db.internal:6543/hubguard');
    expect(t).toMatchObject({ dialect: 'postgres', where: 'db.internal:6543/hubguard' });
    expect(JSON.stringify(t.dialect === 'postgres' ? t.where : '')).not.toContain('s3cret');
    expect(parseDatabaseUrl('postgres://localhost')).toMatchObject({ where: 'localhost:5432/(default database)' });
  });

  it('rejects other schemes as a configuration error', () => {
    expect(() => parseDatabaseUrl('mysql://root:pw@h/db')).toThrow(expect.objectContaining({ code: 'HG_ERR_CONFIG' }));
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(expect.objectContaining({ code: 'HG_ERR_CONFIG' }));
  });
});

describe('redactUrl', () => {
  it('hides passwords and keeps the rest', () => {
    expect(redactUrl('connect to postgres://u:p%40ss@h:5432/d failed')).toBe('connect to postgres://u:***@h:5432/d failed');
    expect(redactUrl('postgres://u@h/d')).toBe('postgres://u@h/d');
  });
});
