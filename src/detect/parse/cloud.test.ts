import { describe, expect, it } from 'vitest';
import { entraJson } from './entra.js';
import { ocsfJson } from './ocsf.js';
import { oktaJson } from './okta.js';
import { parseAll } from './parser.contract.js';

const FILE_TIME = Date.UTC(2026, 2, 5);
const entra = (rec: Record<string, unknown>) => parseAll(entraJson, [JSON.stringify(rec)], 'e.json', FILE_TIME);
const graph = (code: number, extra: Record<string, unknown> = {}) => ({
  createdDateTime: '2026-03-04T17:00:00Z',
  userPrincipalName: 'Ada.Admin@Contoso.com',
  ipAddress: '203.0.113.220',
  appDisplayName: 'Azure Portal',
  status: { errorCode: code, ...extra },
});

describe('Entra sign-in result codes', () => {
  it.each([
    [0, 'success', undefined],
    [50126, 'failure', 'bad-password'],
    [50053, 'failure', 'locked'],
    [50055, 'failure', 'expired'],
    [50057, 'failure', 'disabled'],
    [50034, 'failure', 'unknown-user'],
    [50074, 'failure', 'mfa-required'],
    [50076, 'failure', 'mfa-required'],
    [500121, 'failure', 'mfa-denied'],
    [50158, 'failure', 'mfa-required'],
    [53003, 'failure', 'other'],
    [50140, 'unknown', undefined],
    [90095, 'failure', 'other'],
  ])('maps %i to %s / %s', (code, outcome, reason) => {
    expect(entra(graph(code)).events[0]).toMatchObject({ outcome, reason, service: 'entra', user: 'ada.admin', userDomain: 'contoso.com' });
  });

  it('tells an MFA challenge, a denial and an unanswered push apart', () => {
    expect(entra(graph(50074)).events[0]?.mfa).toBe('challenge');
    expect(entra(graph(500121, { additionalDetails: 'MFA denied; user declined the authentication' })).events[0]?.mfa).toBe('denied');
    expect(entra(graph(500121, { additionalDetails: 'MFA denied; user did not respond to mobile app notification' })).events[0]?.mfa).toBe('timeout');
    expect(entra({ ...graph(0), authenticationRequirement: 'multiFactorAuthentication' }).events[0]?.mfa).toBe('approved');
  });

  it('reads Log Analytics rows, JSON-text columns and diagnostic exports', () => {
    const la = entra({ TimeGenerated: '2026-03-04T17:10:00Z', ResultType: '50126', UserPrincipalName: 'dave@contoso.com', IPAddress: '203.0.113.230', Status: '{"errorCode":50126}' });
    expect(la.events[0]).toMatchObject({ reason: 'bad-password', user: 'dave', srcIp: '203.0.113.230', detail: '50126' });
    const diag = entra({ time: '2026-03-04T17:20:00Z', category: 'SignInLogs', resultType: '50053', callerIpAddress: '203.0.113.233', properties: { userPrincipalName: 'erin@contoso.com', appDisplayName: 'Office' } });
    expect(diag.events[0]).toMatchObject({ reason: 'locked', user: 'erin', srcIp: '203.0.113.233', target: 'Office' });
    expect(entra({ time: '2026-03-04T17:20:00Z', category: 'AuditLogs', properties: {} }).results[0]).toBe('not-auth');
  });

  it('reports records without time or result code', () => {
    expect(entra({ userPrincipalName: 'a@b.c', status: { errorCode: 0 } }).results[0]).toBe('bad-timestamp');
    expect(entra({ createdDateTime: '2026-03-04T17:00:00Z', userPrincipalName: 'a@b.c' }).results[0]).toBe('bad-record');
  });
});

describe('Okta System Log', () => {
  const okta = (rec: Record<string, unknown>) =>
    parseAll(oktaJson, [JSON.stringify({ published: '2026-03-04T18:00:00Z', actor: { alternateId: 'Ada@Example.org' }, client: { ipAddress: '203.0.113.240' }, ...rec })], 'o.json', FILE_TIME);

  it('maps sign-ins, MFA steps, lockouts and password resets', () => {
    expect(okta({ eventType: 'user.session.start', outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' } }).events[0]).toMatchObject({ outcome: 'failure', reason: 'bad-password', user: 'ada', userDomain: 'example.org', activity: 'logon' });
    expect(okta({ eventType: 'user.session.start', outcome: { result: 'FAILURE', reason: 'VERIFICATION_ERROR' } }).events[0]?.reason).toBe('unknown-user');
    expect(okta({ eventType: 'user.session.start', outcome: { result: 'FAILURE', reason: 'LOCKED_OUT' } }).events[0]?.reason).toBe('locked');
    expect(okta({ eventType: 'system.push.send_factor_verify_push', outcome: { result: 'SUCCESS' } }).events[0]).toMatchObject({ activity: 'mfa', mfa: 'challenge', outcome: 'unknown' });
    expect(okta({ eventType: 'user.mfa.okta_verify.deny_push', outcome: { result: 'FAILURE' } }).events[0]).toMatchObject({ activity: 'mfa', mfa: 'denied', reason: 'mfa-denied' });
    expect(okta({ eventType: 'user.authentication.auth_via_mfa', outcome: { result: 'SUCCESS' } }).events[0]).toMatchObject({ activity: 'mfa', mfa: 'approved', outcome: 'success' });
    expect(okta({ eventType: 'user.account.lock', outcome: { result: 'SUCCESS' } }).events[0]).toMatchObject({ activity: 'lockout', reason: 'locked' });
    const reset = okta({ eventType: 'user.account.reset_password', outcome: { result: 'SUCCESS' }, target: [{ type: 'User', alternateId: 'bob@example.org' }] });
    expect(reset.events[0]).toMatchObject({ activity: 'password-change', user: 'bob' });
    expect(okta({ eventType: 'user.lifecycle.create', outcome: { result: 'SUCCESS' } }).results[0]).toBe('not-auth');
  });

  it('takes the source from the IP chain when the client has none', () => {
    const r = okta({ eventType: 'user.session.start', outcome: { result: 'SUCCESS' }, client: { ipAddress: null }, request: { ipChain: [{ ip: '2001:DB8:77::5' }] } });
    expect(r.events[0]?.srcIp).toBe('2001:db8:77::5');
  });
});

describe('OCSF Authentication', () => {
  const ocsf = (rec: Record<string, unknown>) => parseAll(ocsfJson, [JSON.stringify({ class_uid: 3002, activity_id: 1, time: 1772650800000, ...rec })], 'o.json', FILE_TIME);
  it('maps status, user, endpoints and protocol', () => {
    const r = ocsf({ status_id: 2, status_detail: 'Invalid password', user: { name: 'CORP\\Helen' }, src_endpoint: { ip: '203.0.113.250', port: 52001 }, dst_endpoint: { hostname: 'FS01' }, auth_protocol: 'NTLM', logon_type_id: 3 });
    expect(r.events[0]).toMatchObject({ outcome: 'failure', reason: 'bad-password', user: 'helen', userDomain: 'corp', srcIp: '203.0.113.250', srcPort: 52001, target: 'fs01', method: 'ntlm', logonType: 3 });
    expect(ocsf({ status_id: 1 }).events[0]?.outcome).toBe('success');
    expect(ocsf({ status_id: 0 }).events[0]?.outcome).toBe('unknown');
  });
  it('skips logoffs and other classes', () => {
    expect(ocsf({ activity_id: 2, status_id: 1 }).results[0]).toBe('not-auth');
    expect(ocsf({ class_uid: 4001 }).results[0]).toBe('not-auth');
  });
});
