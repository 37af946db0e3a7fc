/**
 * A private certificate authority and the server certificates it signs (ECDSA P-256, SHA-256), for
 * `neptune server init` and for the throwaway CAs of the tests. Built on @peculiar/x509 over WebCrypto.
 */
import { createHash, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
// @peculiar/x509 uses tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the DER certificate, as colon-separated upper-case hex (what browsers and openssl show). */
  fingerprint: string;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** The leaf followed by the CA: what a TLS server presents. */
  chainPem: string;
  fingerprint: string;
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

export function fingerprintOf(certPem: string): string {
  const der = Buffer.from(new x509.X509Certificate(certPem).rawData);
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

function serial(): string {
  // Positive, 16 random bytes: the first byte below 0x80 keeps the DER integer positive.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

export async function createCertificateAuthority(
  commonName: string,
  { now = new Date(), validDays = 3650 }: { now?: Date; validDays?: number } = {},
): Promise<CertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + validDays * DAY),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = cert.toString('pem');
  return { certPem, keyPem: await exportKeyPem(keys.privateKey), fingerprint: fingerprintOf(certPem) };
}

/** A TLS server certificate for `names` (DNS names and IP addresses), signed by `ca`. */
export async function issueServerCertificate(
  ca: Pick<CertificateAuthority, 'certPem' | 'keyPem'>,
  names: readonly string[],
  { now = new Date(), validDays = 397 }: { now?: Date; validDays?: number } = {},
): Promise<IssuedCertificate> {
  if (names.length === 0) throw new Error('a server certificate needs at least one name');
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(ca.keyPem),
    ALGORITHM,
    false,
    ['sign'],
  );
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const altNames = names.map((name) =>
    isIP(name) ? { type: 'ip' as const, value: name } : { type: 'dns' as const, value: name },
  );
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names[0]}`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + validDays * DAY),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(altNames, false),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
  const certPem = cert.toString('pem');
  return {
    certPem,
    keyPem: await exportKeyPem(keys.privateKey),
    chainPem: `${certPem}\n${ca.certPem}\n`,
    fingerprint: fingerprintOf(certPem),
  };
}
