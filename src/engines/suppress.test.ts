import { describe, expect, it } from 'vitest';
import { Suppression, type Finding } from '../core/index.js';
import { applySuppressions } from './suppress.js';

const NOW = new Date('2026-11-29T00:00:00Z');
const finding = (over: Partial<Finding> = {}): Finding =>
  ({
    id: 'f1', tenant: 'clinic', control: 'hg.ctl.mfa.msp-accounts', engine: 'access', severity: 'high', duty: 'msp', title: 't', detail: '',
    subject: { kind: 'identity', id: 'ben' }, evidence: {}, status: 'open', firstSeen: NOW.toISOString(), lastSeen: NOW.toISOString(), ...over,
  }) as Finding;
const sup = (over: Record<string, unknown>) => Suppression.parse({ id: 's1', tenant: 'clinic', reason: 'break-glass account, reviewed', expires: '2027-01-01', ...over });

describe('applySuppressions', () => {
  it('suppresses a matching finding and keeps the reason and expiry in its evidence', () => {
    const [f] = applySuppressions([finding()], [sup({ control: 'hg.ctl.mfa.msp-accounts', subject: 'ben', by: 'ana' })], NOW);
    expect(f!.status).toBe('suppressed');
    expect(f!.evidence.suppression).toEqual({ id: 's1', reason: 'break-glass account, reviewed', expires: '2027-01-01T00:00:00.000Z', by: 'ana' });
  });
  it('leaves findings alone when the suppression expired, or names another tenant, control, subject or CVE', () => {
    for (const s of [
      sup({ expires: '2026-11-28' }),
      sup({ tenant: 'law' }),
      sup({ control: 'hg.ctl.logging.retention' }),
      sup({ subject: 'ana' }),
      sup({ cve: 'CVE-2024-1709' }),
    ]) {
      expect(applySuppressions([finding()], [s], NOW)[0]!.status).toBe('open');
    }
  });
  it('covers a whole tenant when only the tenant is named', () => {
    expect(applySuppressions([finding(), finding({ id: 'f2' as Finding['id'], subject: { kind: 'asset', id: 'fw' } })], [sup({})], NOW).map((f) => f.status)).toEqual(['suppressed', 'suppressed']);
  });
  it('rejects a suppression without a reason or expiry', () => {
    expect(Suppression.safeParse({ id: 's', tenant: 't', expires: '2027-01-01' }).success).toBe(false);
    expect(Suppression.safeParse({ id: 's', tenant: 't', reason: 'r' }).success).toBe(false);
  });
});
