import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, fingerprintOf, issueServerCertificate } from './x509';

describe('private CA', () => {
  it('issues server certificates that verify against the CA and name the hosts', async () => {
    const ca = await createCertificateAuthority('test CA');
    const leaf = await issueServerCertificate(ca, ['neptune.internal', '127.0.0.1']);
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(leaf.certPem);
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkHost('neptune.internal')).toBe('neptune.internal');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('other.internal')).toBeUndefined();
    expect(leaf.keyPem).toContain('PRIVATE KEY');
    expect(ca.fingerprint).toBe(caCert.fingerprint256);
    expect(fingerprintOf(leaf.certPem)).toBe(cert.fingerprint256);
  });

  it('does not verify against another CA', async () => {
    const ca = await createCertificateAuthority('one');
    const other = await createCertificateAuthority('two');
    const leaf = await issueServerCertificate(ca, ['localhost']);
    expect(new X509Certificate(leaf.certPem).verify(new X509Certificate(other.certPem).publicKey)).toBe(
      false,
    );
  });
});
