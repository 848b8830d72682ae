import { describe, expect, it } from 'vitest';
import { hostName, readScript, SCRIPT_MAX } from './scripts.js';

describe('nmap script output', () => {
  it('vulners: CVE ids with CVSS, highest first, exploits marked, other ids dropped', () => {
    const out = '\n  cpe:/a:openbsd:openssh:8.9p1: \n    \tCVE-2023-38408\t9.8\thttps://vulners.com/cve/CVE-2023-38408\t\t*EXPLOIT*\n' +
      '    \tPACKETSTORM:173661\t9.8\thttps://vulners.com/packetstorm/PACKETSTORM:173661\t\t*EXPLOIT*\n    \tCVE-2023-48795\t5.9\thttps://vulners.com/cve/CVE-2023-48795\n' +
      '    \tCVE-2024-6387\t8.1\thttps://vulners.com/cve/CVE-2024-6387\n  cpe:/a:openbsd:openssh:8.9p1: \n    \tCVE-2024-6387\t8.1\thttps://vulners.com/cve/CVE-2024-6387\n';
    expect(readScript('vulners', out)).toEqual({ lines: ['vulners: CVE-2023-38408 9.8 exploit, CVE-2024-6387 8.1, CVE-2023-48795 5.9'], hostnames: [] });
    const many = Array.from({ length: 30 }, (_, i) => `\tCVE-2020-${1000 + i}\t${(i % 10) + 0.5}\thttps://vulners.com/cve/x`).join('\n');
    expect(readScript('vulners', many)!.lines[0]).toMatch(/^vulners: CVE-2020-1009 9\.5, CVE-2020-1019 9\.5, .* \(\+10 more\)$/);
    expect(readScript('vulners', '\n  cpe:/a:acme:widget: \n    \tNo results\n')).toEqual({ lines: [], hostnames: [] });
  });

  it('ssl-cert: subject, alternative names, issuer and expiry; names become host names, wildcards do not', () => {
    const out = 'Subject: commonName=vpn.harbor-msp.example/organizationName=Harbor IT\nSubject Alternative Name: DNS:vpn.harbor-msp.example, DNS:*.harbor-msp.example, IP Address:203.0.113.10, DNS:remote.harbor-msp.example\n' +
      "Issuer: commonName=R11/organizationName=Let's Encrypt/countryName=US\nPublic Key type: rsa\nNot valid before: 2026-10-02T08:11:43\nNot valid after:  2026-12-31T08:11:42\nMD5:   1c6f";
    expect(readScript('ssl-cert', out)).toEqual({
      lines: ['ssl-cert: CN=vpn.harbor-msp.example; SAN=vpn.harbor-msp.example,*.harbor-msp.example,remote.harbor-msp.example; issuer=R11; notAfter=2026-12-31T08:11:42'],
      hostnames: ['vpn.harbor-msp.example', 'remote.harbor-msp.example'],
    });
    // A self-signed RDP certificate names the machine: kept; an address or a bare word is not a host name.
    expect(readScript('ssl-cert', 'Subject: commonName=EX01.clinic.local\nNot valid after:  2027-02-13T03:12:09')!.hostnames).toEqual(['ex01.clinic.local']);
    expect(readScript('ssl-cert', 'Subject: commonName=203.0.113.10/organizationName=x')!.hostnames).toEqual([]);
    expect(readScript('ssl-cert', 'Subject: commonName=localhost')!.hostnames).toEqual([]);
  });

  it('smb-os-discovery: OS, names and FQDN', () => {
    const out = '\n  OS: Windows Server 2016 Standard 14393 (Windows Server 2016 Standard 6.3)\n  Computer name: EX01\n  NetBIOS computer name: EX01\\x00\n  Domain name: clinic.local\n  FQDN: EX01.clinic.local\n  System time: 2026-11-28T17:31:10-05:00\n';
    expect(readScript('smb-os-discovery', out)).toEqual({
      lines: ['smb-os-discovery: OS: Windows Server 2016 Standard 14393 (Windows Server 2016 Standard 6.3); Computer name: EX01; Domain name: clinic.local; FQDN: EX01.clinic.local'],
      hostnames: ['ex01.clinic.local'],
      os: 'Windows Server 2016 Standard 14393',
    });
  });

  it('smb2-security-mode and smb-security-mode: flags unsigned SMB', () => {
    expect(readScript('smb2-security-mode', '\n  3:1:1: \n    Message signing enabled but not required')!.lines).toEqual([
      'smb2-security-mode: 3:1:1: Message signing enabled but not required', 'smb-signing: not required',
    ]);
    expect(readScript('smb2-security-mode', '\n  3:1:1: \n    Message signing enabled and required')!.lines).toEqual(['smb2-security-mode: 3:1:1: Message signing enabled and required']);
    expect(readScript('smb-security-mode', '\n  account_used: guest\n  authentication_level: user\n  challenge_response: supported\n  message_signing: disabled (dangerous, but default)')!.lines[1]).toBe('smb-signing: disabled');
  });

  it('ssh2-enum-algos: the weak algorithms offered', () => {
    const out = '\n  kex_algorithms: (3)\n      curve25519-sha256\n      diffie-hellman-group1-sha1\n      diffie-hellman-group14-sha256\n  encryption_algorithms: (3)\n      aes128-ctr\n      3des-cbc\n      arcfour256\n  mac_algorithms: (2)\n      hmac-sha2-256\n      hmac-md5\n';
    expect(readScript('ssh2-enum-algos', out)!.lines).toEqual(['ssh2-enum-algos: weak: diffie-hellman-group1-sha1, 3des-cbc, arcfour256, hmac-md5']);
    expect(readScript('ssh2-enum-algos', '\n  kex_algorithms: (1)\n      curve25519-sha256\n')!.lines).toEqual(['ssh2-enum-algos: no weak algorithms offered']);
  });

  it('keeps verbatim scripts on one capped line, and ignores scripts it does not read', () => {
    expect(readScript('http-title', 'ScreenConnect Remote Support Software\nRequested resource was /Login')!.lines).toEqual(['http-title: ScreenConnect Remote Support Software Requested resource was /Login']);
    expect(readScript('banner', 'x'.repeat(5000))!.lines[0]).toHaveLength(SCRIPT_MAX);
    expect(readScript('smb2-time', '\n  date: 2026-11-28T22:31:10')).toBeUndefined();
    expect(readScript('http-title', '   ')).toBeUndefined();
  });

  it('accepts only DNS host names', () => {
    expect(hostName('FS01.Clinic.Local.')).toBe('fs01.clinic.local');
    for (const bad of ['*.example.com', '203.0.113.10', 'localhost', 'a..b.example', `${'a'.repeat(64)}.example`, 'host name.example', '']) expect(hostName(bad), bad).toBeUndefined();
  });
});
