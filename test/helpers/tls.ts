/**
 * A throwaway CA and HTTPS servers on 127.0.0.1 for tests. TLS is never switched off: clients trust the test CA.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  issueServerCertificate,
} from '../../src/core/x509';

export interface TestPki {
  ca: CertificateAuthority;
  /** The CA certificate on disk (for --ca-file / NEPTUNE_CA_FILE). */
  caFile: string;
  /** Certificate and key for 127.0.0.1, ::1 and localhost. */
  cert: string;
  key: string;
}

let shared: Promise<TestPki> | undefined;

/** One CA and server certificate per test file (generating keys is the slow part). */
export function testPki(): Promise<TestPki> {
  shared ??= (async () => {
    const ca = await createCertificateAuthority('neptune test CA');
    const leaf = await issueServerCertificate(ca, ['localhost', '127.0.0.1', '::1']);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'neptune-pki-'));
    const caFile = path.join(dir, 'ca.pem');
    await writeFile(caFile, ca.certPem);
    return { ca, caFile, cert: leaf.chainPem, key: leaf.keyPem };
  })();
  return shared;
}

export interface TestHttpsServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** An HTTPS server on 127.0.0.1 (random port) with a certificate from the test CA. */
export async function startHttpsServer(
  handler: Handler,
  pki?: { cert: string; key: string },
): Promise<TestHttpsServer> {
  const { cert, key } = pki ?? (await testPki());
  const server = createServer({ cert, key }, (req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
