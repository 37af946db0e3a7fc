/**
 * What every HTTP client of neptune shares, whichever engine sends the bytes: TLS always verified (the platform's
 * CAs plus an optional extra CA from --ca-file / NEPTUNE_CA_FILE), connect/header/body timeouts, a response size
 * limit, retries with full-jitter exponential backoff on 408/429/5xx and network errors honouring Retry-After, and
 * the mapping of failures to the error catalog. The engines: undici for the CLI (src/core/http.ts) and node:https
 * for the agent (src/core/https.ts), which must not carry undici's memory for months (decision 0505).
 *
 * There is no option to switch verification off, on purpose.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { inputMissing, NeptuneError, temporaryFailure, unavailable } from './errors';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';

export interface HttpClientOptions {
  /** Base for relative paths, e.g. https://neptune.example.com */
  baseUrl?: string;
  /** PEM file with an extra CA to trust (added to the platform's CAs). */
  caFile?: string;
  /** PEM text of extra CAs (tests). */
  ca?: string;
  env?: NodeJS.ProcessEnv;
  userAgent: string;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Largest response body accepted, bytes. Default 64 MiB. */
  maxResponseBytes?: number;
  /** Attempts after the first. Default 4. */
  retries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Injected for tests: random in [0, 1) and sleep. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each retry (for progress or logs). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface HttpRequest {
  method?: HttpMethod;
  /** Absolute URL or a path below baseUrl. Never put secrets here: use headers. */
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** JSON body (sets content-type). */
  json?: unknown;
  signal?: AbortSignal;
  /** Retry non-idempotent methods too (the request carries an idempotency key). */
  idempotent?: boolean;
  maxResponseBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  url: string;
  text(): string;
  json<T = unknown>(): T;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  // The node:https engine's own timeouts (src/core/https.ts).
  'HTTP_CONNECT_TIMEOUT',
  'HTTP_HEADERS_TIMEOUT',
  'HTTP_BODY_TIMEOUT',
]);

/** The error code of a failure, looking through undici's wrappers. */
function errorCode(error: unknown): string | undefined {
  let e = error as { code?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e.code && (TLS_CODES.has(e.code) || NETWORK_CODES.has(e.code) || e.code === 'ENOTFOUND'))
      return e.code;
    e = e.cause as typeof e;
  }
  return (error as { code?: string } | undefined)?.code;
}

/** Delay before retry `attempt` (0-based): full jitter, or what Retry-After asks if it asks for longer. */
export function backoffDelay(
  attempt: number,
  {
    baseMs,
    capMs,
    random,
    retryAfterMs,
  }: { baseMs: number; capMs: number; random: () => number; retryAfterMs?: number },
): number {
  const jitter = Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
  return retryAfterMs === undefined ? jitter : Math.max(jitter, retryAfterMs);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** The retry loop and the error mapping over an engine's single attempt (`send`). */
export abstract class BaseHttpClient {
  protected readonly options: Required<
    Pick<
      HttpClientOptions,
      'retries' | 'backoffBaseMs' | 'backoffCapMs' | 'maxResponseBytes' | 'random' | 'sleep'
    >
  > &
    HttpClientOptions;

  constructor(options: HttpClientOptions) {
    this.options = {
      retries: 4,
      backoffBaseMs: 250,
      backoffCapMs: 30_000,
      maxResponseBytes: 64 * 1024 * 1024,
      random: Math.random,
      sleep: defaultSleep,
      ...options,
    };
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method ?? (req.json === undefined && req.body === undefined ? 'GET' : 'POST');
    const url = new URL(req.url, this.options.baseUrl).toString();
    const retryable = req.idempotent || IDEMPOTENT.has(method);
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent,
      accept: 'application/json',
      ...req.headers,
    };
    let body = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    }

    for (let attempt = 0; ; attempt++) {
      let reason: string;
      let retryAfterMs: number | undefined;
      try {
        const response = await this.send(method, url, headers, body, req);
        if (!(retryable && RETRY_STATUS.has(response.status)) || attempt >= this.options.retries)
          return response;
        reason = `HTTP ${response.status}`;
        retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      } catch (error) {
        // An abort is the caller's decision, whatever the engine reports for the torn-down socket.
        if (req.signal?.aborted) throw new NeptuneError('interrupted', 'INTERRUPTED', 'request aborted');
        const failure = this.classify(error, url);
        const transient = NETWORK_CODES.has(errorCode(error) ?? '');
        if (!(retryable && transient) || attempt >= this.options.retries) throw failure;
        reason = failure.message;
      }
      const delayMs = backoffDelay(attempt, {
        baseMs: this.options.backoffBaseMs,
        capMs: this.options.backoffCapMs,
        random: this.options.random,
        retryAfterMs,
      });
      this.options.onRetry?.({ attempt: attempt + 1, delayMs, reason });
      await this.options.sleep(delayMs, req.signal);
    }
  }

  /** One attempt: the whole response, its body read up to the size limit (readBody). */
  protected abstract send(
    method: HttpMethod,
    url: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    req: HttpRequest,
  ): Promise<HttpResponse>;

  protected limitOf(req: HttpRequest): number {
    return req.maxResponseBytes ?? this.options.maxResponseBytes;
  }

  /** Turns a transport failure into the catalog: TLS and unreachable are 69, timeouts and resets 75. */
  protected classify(error: unknown, url: string): NeptuneError {
    if (error instanceof NeptuneError) return error;
    const origin = new URL(url).origin;
    const code = errorCode(error);
    if ((error as Error)?.name === 'AbortError')
      return new NeptuneError('interrupted', 'INTERRUPTED', 'request aborted');
    if (code && TLS_CODES.has(code)) {
      return unavailable('HTTP_TLS', `TLS verification failed for ${origin} (${code})`, {
        cause: error,
        hint: 'if the server uses a private CA, pass its certificate with --ca-file or NEPTUNE_CA_FILE',
      });
    }
    if (code === 'ENOTFOUND') {
      return unavailable('HTTP_UNREACHABLE', `cannot resolve ${new URL(url).hostname}`, {
        cause: error,
        hint: 'check the URL, DNS, and HTTPS_PROXY',
      });
    }
    if (code === 'ECONNREFUSED') {
      return unavailable('HTTP_UNREACHABLE', `connection refused by ${origin}`, {
        cause: error,
        hint: 'is the server running and listening there? check the URL and HTTPS_PROXY',
      });
    }
    return temporaryFailure(
      'HTTP_NETWORK',
      `request to ${origin} failed (${code ?? (error as Error)?.message})`,
      {
        cause: error,
        hint: 'retry later; check the network and HTTPS_PROXY',
      },
    );
  }

  abstract close(): Promise<void>;
}

/** The CAs a client trusts: the platform's, plus the extra CA file or PEM text of the options. */
export function trustedCas(options: Pick<HttpClientOptions, 'caFile' | 'ca'>): string[] {
  const ca = [...tls.getCACertificates('default')];
  if (options.caFile) {
    try {
      ca.push(readFileSync(options.caFile, 'utf8'));
    } catch (error) {
      throw inputMissing('HTTP_CA_FILE', `cannot read the CA file ${options.caFile}`, {
        cause: error,
        hint: 'pass --ca-file (or NEPTUNE_CA_FILE) with the PEM file of the CA that signed the server certificate',
      });
    }
  }
  if (options.ca) ca.push(options.ca);
  return ca;
}

/**
 * A response body read to the end, or HTTP_TOO_LARGE (and the body destroyed) past `limit` bytes. `onChunk` sees
 * each chunk arrive (a 'data' listener would switch the stream to flowing mode under the iterator).
 */
export async function readBody(
  body: AsyncIterable<unknown> & { destroy(): unknown },
  limit: number,
  url: string,
  onChunk?: () => void,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    onChunk?.();
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new NeptuneError('data', 'HTTP_TOO_LARGE', `response from ${url} is larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The HttpResponse of a status, headers and a body read whole. */
export function responseOf(
  status: number,
  headers: HttpResponse['headers'],
  buffer: Buffer,
  url: string,
): HttpResponse {
  return {
    status,
    headers,
    body: buffer,
    url,
    text: () => buffer.toString('utf8'),
    json: <T>() => JSON.parse(buffer.toString('utf8')) as T,
  };
}
