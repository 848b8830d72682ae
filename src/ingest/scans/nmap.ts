import { HubguardError } from '../../core/index.js';
import { lineColumnAt } from '../text.js';
import { NOT_A_SERVICE } from './json-scans.js';
import { unixToIso, type ScanHost, type ScanPort } from './records.js';
import { readScript, SCRIPT_MAX } from './scripts.js';
import { DEFAULT_XML_LIMITS, XmlTruncated, xmlEvents, type XmlLimits } from './xml.js';

/** Ports whose service carries the evidence of SMB host scripts (the host has no banner of its own). */
const SMB_PORTS = [445, 139];

export interface NmapScan {
  scanner: string;
  start?: string;
  hosts: ScanHost[];
}

/**
 * Parses nmap `-oX` output (also masscan's nmap-like `-oX`). Only hosts whose
 * status is `up` (or that have no status, as masscan writes) and ports whose
 * state is `open` are kept. A file that ends before `</nmaprun>` — nmap writes
 * `<runstats>` and the closing tag only when the scan finishes — is refused with
 * a located error naming how many complete hosts it held: all or nothing.
 * Port scripts and `<hostscript>` scripts are read by scripts.ts: their evidence
 * goes to the service's banner (host scripts: to the SMB service, 445 or 139,
 * when open), the names they give to the host's names, and the OS stated by
 * `smb-os-discovery` wins over nmap's `<osmatch>` guess.
 */
export function parseNmapXml(text: string, file: string, limits: XmlLimits = DEFAULT_XML_LIMITS): NmapScan {
  const scan: NmapScan = { scanner: 'nmap', hosts: [] };
  let host: (ScanHost & { up: boolean }) | undefined;
  let port: (ScanPort & { open: boolean }) | undefined;
  let inCpe = false;
  let cpeText = '';
  let hostsDone = 0;
  let osName: string | undefined;
  let inHostscript = false;
  let hostLines: string[] = [];
  let smbOs: string | undefined;
  const addNames = (names: readonly string[]) => {
    if (host) for (const n of names) if (!host.hostnames.includes(n)) host.hostnames.push(n);
  };
  // Offsets only grow while reading, so lines are counted incrementally (lineColumnAt per port would be quadratic).
  let lineAt = 0;
  let line = 1;
  let lineStart = 0;
  const loc = (offset: number) => {
    if (offset < lineAt) return { file, ...lineColumnAt(text, offset) };
    for (let i = text.indexOf('\n', lineAt); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    lineAt = offset;
    return { file, line, column: offset - lineStart + 1 };
  };
  let rootSeen = false;
  try {
    for (const ev of xmlEvents(text, file, limits)) {
      if (ev.type === 'open') {
        const a = ev.attrs;
        if (!rootSeen) {
          rootSeen = true;
          if (ev.name !== 'nmaprun') throw new HubguardError('HG_ERR_VALIDATION', `not nmap XML: the root element is <${ev.name}>, expected <nmaprun>`, loc(ev.offset));
          scan.scanner = a.scanner ?? 'nmap';
          scan.start = unixToIso(a.start);
          continue;
        }
        switch (ev.name) {
          case 'host':
            if (ev.depth !== 1) break;
            host = { address: '', hostnames: [], ports: [], observedAt: unixToIso(a.starttime) ?? scan.start, location: loc(ev.offset), up: true };
            osName = undefined;
            hostLines = [];
            smbOs = undefined;
            break;
          case 'hostscript':
            if (host && ev.depth === 2) inHostscript = !ev.selfClosing;
            break;
          case 'status':
            if (host && ev.depth === 2) host.up = a.state === 'up';
            break;
          case 'address':
            // A MAC address says nothing reachable from the internet; the IP is the key.
            if (host && ev.depth === 2 && a.addr && (a.addrtype === 'ipv4' || a.addrtype === 'ipv6' || a.addrtype === undefined) && !host.address) host.address = a.addr;
            break;
          case 'hostname':
            if (host && a.name && !host.hostnames.includes(a.name.toLowerCase())) host.hostnames.push(a.name.toLowerCase());
            break;
          case 'osmatch':
            if (host && a.name && osName === undefined) osName = a.name;
            break;
          case 'port': {
            if (!host) break;
            const n = Number(a.portid);
            const proto = a.protocol;
            if (!Number.isInteger(n) || n < 0 || n > 65535 || (proto !== 'tcp' && proto !== 'udp')) {
              // SCTP and IP-protocol scans are not exposure of a TCP/UDP service: skip them.
              if (proto === 'tcp' || proto === 'udp') throw new HubguardError('HG_ERR_VALIDATION', `port "${a.portid ?? ''}" is not a port number`, { ...loc(ev.offset), field: 'portid' });
              port = undefined;
              break;
            }
            port = { port: n, protocol: proto, cpes: [], banner: [], location: loc(ev.offset), open: false };
            break;
          }
          case 'state':
            if (port) port.open = a.state === 'open';
            break;
          case 'service':
            if (!port) break;
            // masscan -oX names the banner module (`title`, `x509`…) where nmap names the service.
            if (a.name && a.name !== 'unknown' && !(scan.scanner === 'masscan' && NOT_A_SERVICE.has(a.name.toLowerCase()))) port.service = a.name.toLowerCase();
            if (a.method === 'probed' || a.method === 'table') port.method = a.method;
            if (a.product) port.product = a.product;
            if (a.version) port.version = a.version;
            if (a.extrainfo) port.extrainfo = a.extrainfo;
            if (a.tunnel) port.banner.push(`tunnel: ${a.tunnel}`);
            if (a.devicetype) port.banner.push(`devicetype: ${a.devicetype}`);
            if (a.ostype && host && !host.os) host.os = a.ostype;
            // masscan -oX puts the grabbed banner in an attribute.
            if (a.banner) port.banner.push(`banner: ${a.banner.slice(0, SCRIPT_MAX)}`);
            break;
          case 'cpe':
            if (port) {
              inCpe = true;
              cpeText = '';
            }
            break;
          case 'script': {
            const facts = (port || inHostscript) && a.id && a.output ? readScript(a.id, a.output) : undefined;
            if (!facts) break;
            addNames(facts.hostnames);
            if (port) port.banner.push(...facts.lines);
            else {
              hostLines.push(...facts.lines);
              smbOs ??= facts.os;
            }
            break;
          }
          default:
        }
      } else if (ev.type === 'text') {
        if (inCpe) cpeText += ev.text;
      } else {
        switch (ev.name) {
          case 'cpe':
            if (inCpe && port) {
              const c = cpeText.trim();
              if (c && !port.cpes.includes(c)) port.cpes.push(c);
            }
            inCpe = false;
            break;
          case 'hostscript':
            inHostscript = false;
            break;
          case 'port':
            if (host && port?.open) {
              const { open: _open, ...p } = port;
              host.ports.push(p);
            }
            port = undefined;
            break;
          case 'host':
            if (host && ev.depth === 1) {
              if (!host.address) throw new HubguardError('HG_ERR_VALIDATION', 'host has no IPv4 or IPv6 address', host.location);
              if (smbOs ?? osName) host.os = smbOs ?? osName;
              const ports = host.ports;
              const smb = SMB_PORTS.map((n) => ports.find((p) => p.port === n && p.protocol === 'tcp')).find((p) => p !== undefined);
              if (smb) smb.banner.push(...hostLines.filter((l) => !smb.banner.includes(l)));
              const { up, ...h } = host;
              if (up) scan.hosts.push(h);
              hostsDone++;
            }
            host = undefined;
            break;
          default:
        }
      }
    }
  } catch (e) {
    if (e instanceof XmlTruncated) {
      throw new HubguardError(
        'HG_ERR_VALIDATION',
        `truncated nmap XML: the file ends inside <${e.open.join('><')}> before </nmaprun> (the scan was interrupted or is still running); ` +
          `${hostsDone} complete host(s) before it. Nothing was imported: re-run the scan, or resume it with nmap --resume`,
        e.location,
      );
    }
    throw e;
  }
  return scan;
}
