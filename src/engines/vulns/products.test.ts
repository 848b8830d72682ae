import { describe, expect, it } from 'vitest';
import { resolveProductString } from './products.js';

const names = (s: string | undefined) => resolveProductString(s).map((n) => `${n.vendor}:${n.product}`);

describe('product strings of scanners → NVD names', () => {
  it.each([
    ['Fortinet FortiOS SSL VPN', ['fortinet:fortios']],
    ['Fortinet FortiGate SSL VPN', ['fortinet:fortios']],
    ['Microsoft Exchange smtpd', ['microsoft:exchange_server']],
    ['OpenSSH', ['openbsd:openssh']],
    ['Apache httpd', ['apache:http_server']],
    ['Apache Tomcat', ['apache:tomcat']],
    ['Apache Tomcat/Coyote JSP engine', ['apache:tomcat']],
    ['nginx', ['f5:nginx', 'nginx:nginx']],
    ['Microsoft IIS httpd', ['microsoft:internet_information_services']],
    ['ConnectWise ScreenConnect', ['connectwise:screenconnect']],
    ['Citrix NetScaler', ['citrix:netscaler_application_delivery_controller', 'citrix:netscaler_gateway']],
    ['Palo Alto GlobalProtect', ['paloaltonetworks:pan-os']],
    ['Pulse Secure/Ivanti Connect Secure', ['ivanti:connect_secure', 'pulsesecure:pulse_connect_secure']],
    ['Ivanti Connect Secure', ['ivanti:connect_secure', 'pulsesecure:pulse_connect_secure']],
    ['SonicWALL SSL-VPN', ['sonicwall:sonicos', 'sonicwall:sma_100_firmware']],
    ['Kaseya VSA', ['kaseya:vsa']],
    ['Veeam Backup & Replication Catalog', ['veeam:backup_&_replication']],
    ['Samba smbd', ['samba:samba']],
    ['vsftpd', ['beasts:vsftpd']],
    ['  OPENSSH  ', ['openbsd:openssh']],
  ])('%s → %j', (s, want) => {
    expect(names(s)).toEqual(want);
  });

  it.each([
    'nx', // npm nx is not Siemens NX
    'NX',
    'Apache', // which Apache project?
    'httpd',
    'ssh',
    'Microsoft Terminal Services', // a Windows component, not a product NVD names alone
    'Microsoft HTTPAPI httpd',
    'Microsoft Kestrel httpd',
    'Fortinet FortiWeb',
    'SimpleHTTPServer',
    'nginxish proxy',
    'Linux telnetd',
    'my OpenSSH fork', // names must start the string
    '',
    undefined,
    `OpenSSH ${'x'.repeat(300)}`, // a banner pasted into the product field
  ])('%j resolves to nothing', (s) => {
    expect(names(s)).toEqual([]);
  });
});
