/**
 * Product strings as scanners write them, resolved to NVD CPE vendor:product names.
 *
 * nmap `-sV` names what it recognized in prose (`Apache httpd`, `Microsoft IIS httpd`,
 * `Fortinet FortiGate SSL VPN`, `Microsoft Exchange smtpd`), and Shodan's `product` uses the same
 * vocabulary. When the scanner also reports a CPE, that CPE is used first (see match.ts
 * `productsOfService`); this table covers the strings that come without one, and adds NVD's
 * current names where a scanner's CPE is out of date (nmap still writes `igor_sysoev:nginx`).
 *
 * Each rule is a case-insensitive pattern over the whole string (lower-cased, spaces collapsed,
 * trademark signs dropped), anchored at its start and at word ends, so that only a string that
 * *begins* with the product's full name resolves: `Apache Tomcat` is not `Apache httpd`, and a
 * lone short word (`nx`, `ssh`, `http`) resolves to nothing. The first matching rule wins. A
 * string no rule knows resolves to nothing — never a guess from its words.
 *
 * A name found here is weaker evidence than a CPE: matches of it are at most `uncertain`
 * (see cpe.ts `InstalledProduct.resolvedFrom`).
 */

/** One rule: the strings it recognizes and the NVD `vendor:product` names they mean. */
interface ProductRule {
  match: RegExp;
  cpe: readonly string[];
}

const RULES: readonly ProductRule[] = [
  // Remote access, VPN and firewall appliances MSPs and their customers expose.
  { match: /^(fortinet )?forti(os|gate)\b/, cpe: ['fortinet:fortios'] },
  { match: /^(fortinet )?fortiproxy\b/, cpe: ['fortinet:fortiproxy'] },
  { match: /^(citrix )?netscaler\b|^citrix (adc|gateway)\b/, cpe: ['citrix:netscaler_application_delivery_controller', 'citrix:netscaler_gateway'] },
  { match: /^palo alto( networks)? (globalprotect|pan-os)\b|^globalprotect\b/, cpe: ['paloaltonetworks:pan-os'] },
  { match: /^(pulse secure|pulse connect secure|ivanti connect secure|ivanti pulse connect secure)\b/, cpe: ['ivanti:connect_secure', 'pulsesecure:pulse_connect_secure'] },
  { match: /^ivanti policy secure\b/, cpe: ['ivanti:policy_secure'] },
  // nmap's "SonicWALL SSL-VPN" does not say whether a firewall (SonicOS) or an SMA 100 answered.
  { match: /^sonicwall (ssl-vpn|sslvpn|sma)\b/, cpe: ['sonicwall:sonicos', 'sonicwall:sma_100_firmware'] },
  { match: /^sonicwall (sonicos|firewall)\b|^sonicos\b/, cpe: ['sonicwall:sonicos'] },
  { match: /^cisco (asa|adaptive security appliance)\b/, cpe: ['cisco:adaptive_security_appliance_software'] },
  { match: /^(connectwise )?screenconnect\b/, cpe: ['connectwise:screenconnect'] },
  { match: /^kaseya vsa\b/, cpe: ['kaseya:vsa'] },
  { match: /^simplehelp\b/, cpe: ['simplehelp:simplehelp'] },
  { match: /^(progress )?moveit transfer\b/, cpe: ['progress:moveit_transfer'] },
  { match: /^(fortra )?goanywhere\b/, cpe: ['fortra:goanywhere_managed_file_transfer'] },
  { match: /^veeam backup & replication\b/, cpe: ['veeam:backup_&_replication'] },
  // Mail and web servers.
  { match: /^microsoft exchange\b/, cpe: ['microsoft:exchange_server'] },
  { match: /^microsoft iis( httpd)?\b|^microsoft-iis\b/, cpe: ['microsoft:internet_information_services'] },
  { match: /^apache (httpd|http server)\b/, cpe: ['apache:http_server'] },
  { match: /^apache tomcat\b/, cpe: ['apache:tomcat'] },
  { match: /^nginx\b/, cpe: ['f5:nginx', 'nginx:nginx'] },
  { match: /^lighttpd\b/, cpe: ['lighttpd:lighttpd'] },
  { match: /^jetty\b/, cpe: ['eclipse:jetty'] },
  { match: /^exim smtpd\b/, cpe: ['exim:exim'] },
  { match: /^postfix smtpd\b/, cpe: ['postfix:postfix'] },
  // Remote shells, file transfer, file sharing, databases.
  { match: /^openssh\b/, cpe: ['openbsd:openssh'] },
  { match: /^dropbear sshd\b/, cpe: ['dropbear_ssh_project:dropbear_ssh'] },
  { match: /^vsftpd\b/, cpe: ['beasts:vsftpd'] },
  { match: /^proftpd\b/, cpe: ['proftpd:proftpd'] },
  { match: /^samba smbd\b/, cpe: ['samba:samba'] },
  { match: /^mysql\b/, cpe: ['oracle:mysql'] },
  { match: /^mariadb\b/, cpe: ['mariadb:mariadb'] },
  { match: /^postgresql\b/, cpe: ['postgresql:postgresql'] },
  { match: /^microsoft sql server\b/, cpe: ['microsoft:sql_server'] },
];

/** Product strings longer than this are not names (a banner pasted into the field): not resolved. */
const MAX_PRODUCT_STRING = 200;

/** Lower-case, collapse spaces, drop trademark signs: the form the rules are written against. */
const norm = (s: string): string => s.toLowerCase().replace(/[®™]/g, '').replace(/\s+/g, ' ').trim();

/**
 * The NVD `vendor:product` names a scanner's product string means, or `[]` when the table does
 * not know it. `Apache httpd` → `apache:http_server`; `Apache Tomcat` → `apache:tomcat`; `nx` → none.
 */
export function resolveProductString(text: string | undefined): { vendor: string; product: string }[] {
  if (!text || text.length > MAX_PRODUCT_STRING) return [];
  const s = norm(text);
  const rule = RULES.find((r) => r.match.test(s));
  if (!rule) return [];
  return rule.cpe.map((n) => {
    const i = n.indexOf(':');
    return { vendor: n.slice(0, i), product: n.slice(i + 1) };
  });
}
