/**
 * `winlogbeat-json`: Windows Security events shipped by Winlogbeat (or any
 * ECS producer) as JSON lines: `winlog.event_id` (or ECS `event.code`),
 * `winlog.event_data.*` (the event's EventData, same names as in the XML),
 * `winlog.computer_name`, `winlog.keywords`, `@timestamp`, and the ECS fields
 * `source.ip`, `source.port`, `user.name`, `user.domain` used when the event
 * data lacks them. Nested objects and flattened dotted keys are both read.
 */
import { jsonParser, path, str } from './json-lines.js';
import { parseAnyTime } from './time.js';
import { mapWindows, type WinRecord } from './windows-map.js';

const FLAT = 'winlog.event_data.';

/** Winlogbeat / ECS JSON parser. */
export const winlogbeatJson = jsonParser({
  name: 'winlogbeat-json',
  description: 'Windows Security events from Winlogbeat / Elastic Common Schema JSON lines',
  detect: (text) => /"winlog(\.event_id)?"\s*:/.test(text) && (text.includes('event_id') || text.includes('"event.code"')),
  // Only the mapped event IDs can give events: test for them before parsing a 2-3 KB record.
  prefilter: (text) => /\b(462[45]|4648|4740|476[8]|4771|4776|472[34])\b/.test(text),
  map(rec, ctx, raw) {
    const idText = str(path(rec, 'winlog.event_id')) ?? str(path(rec, 'event.code'));
    const eventId = Number(idText);
    if (!Number.isInteger(eventId)) return 'bad-record';
    const ed = path(rec, 'winlog.event_data');
    const data: Record<string, string | undefined> = {};
    if (ed && typeof ed === 'object') for (const [k, v] of Object.entries(ed)) data[k] = str(v);
    // Flattened exports (`"winlog.event_data.TargetUserName": ...`) keep the path in the key.
    for (const [k, v] of Object.entries(rec)) if (k.startsWith(FLAT)) data[k.slice(FLAT.length)] ??= str(v);
    data.IpAddress ??= str(path(rec, 'source.ip'));
    data.IpPort ??= str(path(rec, 'source.port'));
    data.TargetUserName ??= str(path(rec, 'user.name'));
    data.TargetDomainName ??= str(path(rec, 'user.domain'));
    const kw = path(rec, 'winlog.keywords');
    const r: WinRecord = {
      eventId,
      time: parseAnyTime(path(rec, '@timestamp') ?? path(rec, 'winlog.time_created'), ctx),
      computer: str(path(rec, 'winlog.computer_name')) ?? str(path(rec, 'host.name')),
      keywords: Array.isArray(kw) ? kw.join(',') : (str(kw) ?? str(path(rec, 'event.outcome'))),
      data,
    };
    return mapWindows(r, ctx, raw);
  },
});
