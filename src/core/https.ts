/**
 * The agent's HTTP client: node:https with a keep-alive Agent behind what every client shares (src/core/http-base.ts:
 * TLS always verified with the platform's CAs plus the extra CA, timeouts, size limit, retries, error mapping).
 * undici costs a daemon ~20 MiB for as long as it runs; node:https is already in the binary (decision 0505).
 * HTTPS_PROXY/NO_PROXY are Node's own (the Agent's proxyEnv).
 */
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import {
  BaseHttpClient,
  type HttpClientOptions,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  readBody,
  responseOf,
  trustedCas,
} from './http-base';

/** A failure with a code that http-base maps (a network failure: retried where the method allows it). */
function timeout(code: string, what: string, ms: number): Error {
  return Object.assign(new Error(`${what} after ${ms} ms`), { code });
}

export class NodeHttpClient extends BaseHttpClient {
  private readonly agent: https.Agent;
  private readonly connectTimeoutMs: number;
  private readonly headersTimeoutMs: number;
  private readonly bodyTimeoutMs: number;

  constructor(options: HttpClientOptions) {
    super(options);
    const env = options.env ?? process.env;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.headersTimeoutMs = options.headersTimeoutMs ?? 30_000;
    this.bodyTimeoutMs = options.bodyTimeoutMs ?? 60_000;
    // One secure context for every connection: the CA list is parsed once, not per connect.
    const secureContext = tls.createSecureContext({ ca: trustedCas(options), minVersion: 'TLSv1.2' });
    this.agent = new https.Agent({
      keepAlive: true,
      secureContext,
      rejectUnauthorized: true,
      proxyEnv: {
        HTTPS_PROXY: env.HTTPS_PROXY ?? env.https_proxy,
        NO_PROXY: env.NO_PROXY ?? env.no_proxy,
      },
    });
  }

  protected async send(
    method: HttpMethod,
    url: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    req: HttpRequest,
  ): Promise<HttpResponse> {
    const response = await this.exchange(method, url, headers, body, req.signal);
    return responseOf(response.statusCode ?? 0, response.headers, await this.read(response, req, url), url);
  }

  /** The request sent and its response headers, within the connect and headers limits. */
  private exchange(
    method: HttpMethod,
    url: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    signal: AbortSignal | undefined,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = https.request(url, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        agent: this.agent,
        ...(signal ? { signal } : {}),
      });
      let timer: NodeJS.Timeout | undefined;
      const limit = (code: string, what: string, ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => request.destroy(timeout(code, what, ms)), ms);
      };
      // The headers limit counts from a connected socket, as undici's does; a reused one is connected already.
      request.on('socket', (socket) => {
        const connected = () => limit('HTTP_HEADERS_TIMEOUT', 'no response headers', this.headersTimeoutMs);
        if (!socket.connecting) return connected();
        limit('HTTP_CONNECT_TIMEOUT', 'connect timeout', this.connectTimeoutMs);
        socket.once(socket instanceof tls.TLSSocket ? 'secureConnect' : 'connect', connected);
      });
      request.on('response', (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(body);
    });
  }

  /** The body, with the body limit as the longest silence between two chunks (undici's bodyTimeout). */
  private async read(response: IncomingMessage, req: HttpRequest, url: string): Promise<Buffer> {
    const ms = this.bodyTimeoutMs;
    const timer = setTimeout(() => response.destroy(timeout('HTTP_BODY_TIMEOUT', 'body stalled', ms)), ms);
    try {
      return await readBody(response, this.limitOf(req), url, () => timer.refresh());
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}
