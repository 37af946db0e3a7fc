/**
 * The CLI's HTTP client: undici (HTTPS_PROXY/NO_PROXY through its EnvHttpProxyAgent) behind what every client
 * shares (src/core/http-base.ts: TLS always verified, the extra CA, timeouts, size limit, retries, error mapping).
 * The agent uses the node:https engine instead (src/core/https.ts).
 */
import { type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
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

export {
  backoffDelay,
  type HttpClientOptions,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  parseRetryAfter,
} from './http-base';

export class HttpClient extends BaseHttpClient {
  private readonly dispatcher: Dispatcher;

  constructor(options: HttpClientOptions) {
    super(options);
    const env = options.env ?? process.env;
    const verified = { ca: trustedCas(options), rejectUnauthorized: true, minVersion: 'TLSv1.2' } as const;
    this.dispatcher = new EnvHttpProxyAgent({
      httpProxy: env.HTTP_PROXY ?? env.http_proxy,
      httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
      noProxy: env.NO_PROXY ?? env.no_proxy,
      connect: { ...verified, timeout: options.connectTimeoutMs ?? 10_000 },
      // Through a proxy, undici's ProxyAgent makes the server's TLS connection with requestTls, not connect:
      // without it the extra CA was not trusted behind HTTPS_PROXY.
      requestTls: verified,
      headersTimeout: options.headersTimeoutMs ?? 30_000,
      bodyTimeout: options.bodyTimeoutMs ?? 60_000,
    });
  }

  protected async send(
    method: HttpMethod,
    url: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    req: HttpRequest,
  ): Promise<HttpResponse> {
    const response = await request(url, {
      method,
      headers,
      body,
      dispatcher: this.dispatcher,
      signal: req.signal,
    });
    const buffer = await readBody(response.body, this.limitOf(req), url);
    return responseOf(response.statusCode, response.headers, buffer, url);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
