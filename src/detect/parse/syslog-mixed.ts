/**
 * `syslog-mixed`: one syslog collector file holding several sources, as an
 * MSP's central rsyslog / syslog-ng host writes them: Linux auth.log lines
 * next to VPN appliance logs. Each line goes to the reader of its source,
 * chosen by the appliance's own marker (`%ASA-`, FortiOS `logid=`, PAN-OS
 * `GLOBALPROTECT`); everything else is read as auth.log.
 */
import { ciscoAsa } from './cisco-asa.js';
import { fortigate } from './fortigate.js';
import { globalProtect } from './globalprotect.js';
import { sshdSyslog } from './sshd-syslog.js';
import type { LineParser } from './types.js';

const MEMBERS = [sshdSyslog, ciscoAsa, fortigate, globalProtect];

/** Mixed syslog collector parser (auth.log + VPN appliances, routed per line). */
export const syslogMixed: LineParser = {
  name: 'syslog-mixed',
  description: 'A syslog collector file mixing auth.log with FortiGate, Cisco ASA and GlobalProtect lines, routed per line',
  // Only when the sample shows at least two sources: a single-source file is read by its own parser.
  detect: (sample) => MEMBERS.filter((p) => p.detect(sample)).length >= 2,
  parseLine(line, ctx) {
    if (line.indexOf('%ASA-') >= 0 || line.indexOf('%FTD-') >= 0 || line.indexOf('%PIX-') >= 0) return ciscoAsa.parseLine(line, ctx);
    if (line.indexOf('logid=') >= 0) return fortigate.parseLine(line, ctx);
    if (line.indexOf('GLOBALPROTECT') >= 0 || line.indexOf(',globalprotect,') >= 0) return globalProtect.parseLine(line, ctx);
    return sshdSyslog.parseLine(line, ctx);
  },
};
