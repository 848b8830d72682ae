/**
 * `ocsf-json`: OCSF Authentication events (class_uid 3002, category 3, OCSF
 * schema 1.x): `time` (epoch ms) or `time_dt`, `status_id` (1 success,
 * 2 failure), `status`, `status_detail`, `status_code`, `activity_id`
 * (1 logon, 2 logoff, ...), `user` (name, domain, uid), `src_endpoint`
 * (ip, port, hostname), `dst_endpoint` (hostname, ip, svc_name), `service`,
 * `auth_protocol`, `logon_type_id`, `is_mfa`. Other classes are `not-auth`.
 */
import type { AuthEvent } from '../event.js';
import { newEvent, setUser, toPort } from './build.js';
import { setSource } from './ip.js';
import { jsonParser, path, str } from './json-lines.js';
import { reasonFromText } from './reason.js';
import { parseAnyTime } from './time.js';
import type { ParseContext, SkipReason } from './types.js';

function mapOcsf(rec: Record<string, unknown>, ctx: ParseContext, raw: string): AuthEvent[] | SkipReason {
  const cls = Number(rec.class_uid);
  if (cls !== 3002) return Number.isInteger(cls) ? 'not-auth' : 'bad-record';
  const activity = Number(rec.activity_id);
  if (activity === 2) return 'not-auth'; // logoff
  const time = parseAnyTime(rec.time ?? rec.time_dt, ctx);
  if (!Number.isFinite(time)) return 'bad-timestamp';
  const status = Number(rec.status_id);
  const outcome: AuthEvent['outcome'] = status === 1 ? 'success' : status === 2 ? 'failure' : 'unknown';
  const service = str(path(rec, 'service.name')) ?? str(path(rec, 'metadata.product.name')) ?? 'ocsf';
  const ev = newEvent(ctx, raw, time, service.toLowerCase(), outcome);
  const detail = [str(rec.status_code), str(rec.status_detail)].filter(Boolean).join(' ');
  if (outcome === 'failure') ev.reason = reasonFromText(detail);
  ev.detail = detail || undefined;
  setSource(ev, str(path(rec, 'src_endpoint.ip')));
  if (!ev.srcIp) setSource(ev, str(path(rec, 'src_endpoint.hostname')));
  ev.srcPort = toPort(str(path(rec, 'src_endpoint.port')));
  setUser(ev, str(path(rec, 'user.name')) ?? str(path(rec, 'user.email_addr')) ?? str(path(rec, 'user.uid')), str(path(rec, 'user.domain')));
  ev.target = (str(path(rec, 'dst_endpoint.hostname')) ?? str(path(rec, 'dst_endpoint.svc_name')) ?? str(path(rec, 'dst_endpoint.ip')))?.toLowerCase();
  ev.method = (str(rec.auth_protocol) ?? undefined)?.toLowerCase();
  const lt = Number(rec.logon_type_id);
  if (Number.isInteger(lt) && lt > 0 && lt < 99) ev.logonType = lt;
  if (rec.is_mfa === true && outcome === 'success') ev.mfa = 'approved';
  return [ev];
}

/** OCSF Authentication (3002) parser. */
export const ocsfJson = jsonParser({
  name: 'ocsf-json',
  description: 'OCSF Authentication events (class_uid 3002) as JSON lines or arrays',
  detect: (text) => /"class_uid"\s*:\s*"?\d+/.test(text) && /"(status_id|category_uid|activity_id)"/.test(text),
  prefilter: (text) => /"class_uid"\s*:\s*"?3002\b/.test(text),
  map: mapOcsf,
});
