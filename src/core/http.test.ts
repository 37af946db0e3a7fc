import http, { type IncomingMessage } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsServer, type TestHttpsServer, testPki } from '../../test/helpers/tls';
import { NeptuneError } from './errors';
import { backoffDelay, HttpClient, type HttpClientOptions, parseRetryAfter } from './http';
import type { BaseHttpClient } from './http-base';
import { NodeHttpClient } from './https';

const noSleep = { sleep: async () => {}, random: () => 0.5 };

// Both engines give the same answers: undici (the CLI) and node:https (the agent).
const ENGINES: [string, new (options: HttpClientOptions) => BaseHttpClient][] = [
  ['undici', HttpClient],
  ['node:https', NodeHttpClient],
];

describe.each(ENGINES)('%s against a local HTTPS server', (name, HttpClient) => {
  let server: TestHttpsServer;
  let caFile: string;
  const seen: IncomingMessage[] = [];
  let failuresLeft = 0;

  beforeAll(async () => {
    caFile = (await testPki()).caFile;
    server = await startHttpsServer((req, res) => {
      seen.push(req);
      if (req.url === '/flaky' && failuresLeft-- > 0) {
        res.writeHead(503, { 'retry-after': '0' }).end('busy');
        return;
      }
      if (req.url === '/big') {
        res.end('x'.repeat(4096));
        return;
      }
      if (req.url === '/reset') {
        req.socket.destroy();
        return;
      }
      // A parked long-poll: the answer comes after a while, on a connection that stays open.
      if (req.url?.startsWith('/hold')) {
        setTimeout(() => res.end(JSON.stringify({ port: req.socket.remotePort })), 600);
        return;
      }
      if (req.url === '/hang') {
        setTimeout(() => res.end('late'), 3000);
        return;
      }
      if (req.url === '/stall') {
        res.writeHead(200).write('part');
        setTimeout(() => res.end('late'), 3000);
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ url: req.url, ok: true }));
    });
  });
  afterAll(() => server.close());
  /** A client of this engine for the test server, trusting the test CA. */
  const clientOf = (extra: Partial<HttpClientOptions> = {}) =>
    new HttpClient({ baseUrl: server.url, caFile, userAgent: 'neptune/test', env: {}, ...extra });

  it('verifies TLS with the extra CA and sends a User-Agent', async () => {
    const client = clientOf();
    const res = await client.request({ url: '/hello' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ url: '/hello', ok: true });
    expect(seen.at(-1)?.headers['user-agent']).toBe('neptune/test');
    await client.close();
  });

  it('refuses a server whose CA it does not trust, as a TLS error (exit 69) with a hint', async () => {
    const client = new HttpClient({ baseUrl: server.url, userAgent: 'neptune/test', env: {}, ...noSleep });
    const error = await client.request({ url: '/hello' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeptuneError);
    expect((error as NeptuneError).code).toBe('HTTP_TLS');
    expect((error as NeptuneError).exitCode).toBe(69);
    expect((error as NeptuneError).hint).toMatch(/--ca-file/);
  });

  it('retries 503 with backoff and succeeds', async () => {
    failuresLeft = 2;
    const retries: number[] = [];
    const client = clientOf({ ...noSleep, onRetry: ({ attempt }) => retries.push(attempt) });
    const res = await client.request({ url: '/flaky' });
    expect(res.status).toBe(200);
    expect(retries).toEqual([1, 2]);
  });

  it('does not retry a POST unless it is idempotent', async () => {
    failuresLeft = 1;
    const client = clientOf({ ...noSleep });
    expect((await client.request({ url: '/flaky', method: 'POST', json: {} })).status).toBe(503);
    failuresLeft = 1;
    expect((await client.request({ url: '/flaky', method: 'POST', json: {}, idempotent: true })).status).toBe(
      200,
    );
  });

  it('gives up after the configured retries and returns the last response', async () => {
    failuresLeft = 10;
    const client = clientOf({ retries: 2, ...noSleep });
    const before = seen.length;
    expect((await client.request({ url: '/flaky' })).status).toBe(503);
    expect(seen.length - before).toBe(3);
  });

  it('limits the response size', async () => {
    const client = clientOf();
    const error = await client.request({ url: '/big', maxResponseBytes: 1000 }).catch((e: unknown) => e);
    expect((error as NeptuneError).code).toBe('HTTP_TOO_LARGE');
  });

  it('retries a reset connection, then reports a temporary failure (exit 75)', async () => {
    const client = clientOf({ retries: 1, ...noSleep });
    const error = (await client.request({ url: '/reset' }).catch((e: unknown) => e)) as NeptuneError;
    expect(error.code).toBe('HTTP_NETWORK');
    expect(error.exitCode).toBe(75);
  });

  it('reports a refused connection as unavailable (exit 69)', async () => {
    const client = new HttpClient({
      baseUrl: 'https://127.0.0.1:1',
      caFile,
      userAgent: 'neptune/test',
      env: {},
      retries: 1,
      ...noSleep,
    });
    const error = (await client.request({ url: '/' }).catch((e: unknown) => e)) as NeptuneError;
    expect(error.code).toBe('HTTP_UNREACHABLE');
    expect(error.exitCode).toBe(69);
  });

  it('waits for a held response (a parked poll) and reuses the connection', async () => {
    const client = clientOf();
    const first = (await client.request({ url: '/hold/1', method: 'POST', json: {} })).json<{
      port: number;
    }>();
    const second = (await client.request({ url: '/hold/2', method: 'POST', json: {} })).json<{
      port: number;
    }>();
    // The agent polls for months over one kept-alive connection: asserted for its engine.
    if (name === 'node:https') expect(second.port).toBe(first.port);
    await client.close();
  });

  it('gives up on response headers that do not come in time (exit 75)', async () => {
    const client = clientOf({ retries: 0, headersTimeoutMs: 300 });
    const error = (await client.request({ url: '/hang' }).catch((e: unknown) => e)) as NeptuneError;
    expect([error.code, error.exitCode]).toEqual(['HTTP_NETWORK', 75]);
    await client.close();
  });

  it('gives up on a body that stalls (exit 75)', async () => {
    const client = clientOf({ retries: 0, bodyTimeoutMs: 300 });
    const error = (await client.request({ url: '/stall' }).catch((e: unknown) => e)) as NeptuneError;
    expect([error.code, error.exitCode]).toEqual(['HTTP_NETWORK', 75]);
    await client.close();
  });

  it('reports an aborted request as interrupted', async () => {
    const client = clientOf();
    const error = (await client
      .request({ url: '/hold/abort', signal: AbortSignal.timeout(100) })
      .catch((e: unknown) => e)) as NeptuneError;
    expect(error.code).toBe('INTERRUPTED');
    await client.close();
  });

  it('goes through HTTPS_PROXY (a CONNECT tunnel), still verifying the server', async () => {
    const tunnels: string[] = [];
    const proxy = http.createServer().on('connect', (req, socket, head) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket).on('error', () => {});
        socket.pipe(upstream).on('error', () => {});
      });
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    try {
      const client = new HttpClient({
        baseUrl: server.url,
        caFile,
        userAgent: 'neptune/test',
        env: { HTTPS_PROXY: proxyUrl },
      });
      expect((await client.request({ url: '/via-proxy' })).json()).toEqual({ url: '/via-proxy', ok: true });
      expect(tunnels).toEqual([new URL(server.url).host]);
      await client.close();
      const untrusting = new HttpClient({
        baseUrl: server.url,
        userAgent: 'neptune/test',
        env: { HTTPS_PROXY: proxyUrl },
        retries: 0,
      });
      const error = (await untrusting.request({ url: '/' }).catch((e: unknown) => e)) as NeptuneError;
      expect(error.code).toBe('HTTP_TLS');
      await untrusting.close();
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }
  });

  it('says which CA file it cannot read (exit 66)', () => {
    expect(() => new HttpClient({ caFile: '/nonexistent/ca.pem', userAgent: 'x', env: {} })).toThrow(
      /cannot read the CA file/,
    );
  });
});

describe('backoff', () => {
  it('is full jitter below an exponential cap', () => {
    const opts = { baseMs: 100, capMs: 1000 };
    expect(backoffDelay(0, { ...opts, random: () => 0.999 })).toBe(99);
    expect(backoffDelay(3, { ...opts, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(10, { ...opts, random: () => 0.5 })).toBe(500);
    expect(backoffDelay(0, { ...opts, random: () => 0 })).toBe(0);
  });

  it('waits at least what Retry-After asks', () => {
    expect(backoffDelay(0, { baseMs: 100, capMs: 1000, random: () => 0.5, retryAfterMs: 5000 })).toBe(5000);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
