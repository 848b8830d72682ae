import { describe, expect, it } from 'vitest';
import { Governance, raise, tuning } from './context.js';
import { MSP_ORG, NOW, ago, build, customer, goodAgreement } from './testkit.js';

describe('raise', () => {
  it('raises by levels and stops at critical', () => {
    expect(raise('low', 1)).toBe('medium');
    expect(raise('medium', 2)).toBe('critical');
    expect(raise('high', 3)).toBe('critical');
    expect(raise('info', 0)).toBe('info');
  });
});

describe('tuning', () => {
  it('reads catalog defaults with overrides and refuses a parameter of the wrong type', () => {
    const t = tuning(['hg.ctl.logging.retention'], { 'hg.ctl.logging.retention': { retentionDays: 400 } });
    expect(t.num('hg.ctl.logging.retention', 'retentionDays')).toBe(400);
    expect(t.num('hg.ctl.backups.restore-tested', 'maxDaysSinceTest')).toBe(180);
    expect(() => t.flag('hg.ctl.logging.retention', 'retentionDays')).toThrow(/switch|number/);
    expect(() => tuning(['hg.ctl.logging.retention'], { 'hg.ctl.logging.retention': { retentionDays: 'long' } })).toThrow(/non-negative number/);
  });
});

describe('Governance.duty', () => {
  const id = 'hg.ctl.logging.retention';
  const matrix = (who: 'msp' | 'customer' | 'unassigned') => ({ ...goodAgreement('x').responsibilities, [id]: who });

  it('is the MSP\'s in its own tenant, the catalog\'s without an assignment, and the agreement\'s where one assigns it', () => {
    const g = new Governance(build({
      organization: [MSP_ORG, customer('none'), customer('un'), customer('set'), customer('ended'), customer('split')],
      agreement: [
        goodAgreement('un', { responsibilities: matrix('unassigned') }),
        goodAgreement('set', { responsibilities: matrix('customer') }),
        goodAgreement('ended', { responsibilities: matrix('customer'), start: ago(900), end: ago(1) }),
        goodAgreement('split', { id: 's1', responsibilities: matrix('customer') }),
        goodAgreement('split', { id: 's2', responsibilities: matrix('msp') }),
      ],
    }), NOW);
    expect(g.duty(id, 'harbor')).toEqual({ duty: 'msp', from: 'msp-own' });
    expect(g.duty(id, 'none')).toEqual({ duty: 'shared', from: 'catalog' });
    expect(g.duty(id, 'un')).toEqual({ duty: 'shared', from: 'catalog' });
    expect(g.duty(id, 'set')).toEqual({ duty: 'customer', from: 'agreement', agreements: ['set:msa'] });
    expect(g.duty(id, 'ended')).toEqual({ duty: 'shared', from: 'catalog' });
    expect(g.duty(id, 'split')).toEqual({ duty: 'shared', from: 'agreement', agreements: ['s1', 's2'] });
  });

  it('treats an agreement as in force from its start until (not including) its end', () => {
    const g = new Governance(build({ organization: [MSP_ORG] }), NOW);
    const a = build({ agreement: [goodAgreement('x', { start: NOW.toISOString(), end: ago(-1) })] }).agreement[0]!;
    expect(g.isCurrent(a)).toBe(true);
    expect(g.isCurrent({ ...a, end: NOW.toISOString() })).toBe(false);
    expect(g.hasEnded({ ...a, end: NOW.toISOString() })).toBe(true);
  });
});
