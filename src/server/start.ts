/**
 * `server start`: opens the store named by the data directory, checks its schema, and serves HTTPS until stopped.
 * Shutdown (SIGTERM, SIGINT) stops accepting connections, lets in-flight requests finish, then closes the store.
 */
import { readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { configError, inputMissing, usageError } from '../core/errors';
import { PRIVATE_FILE, writeFileAtomic } from '../core/fs';
import { PID_FILE } from './backup';
import { build } from './build';
import { requireServerConfig, resolveIn } from './datadir';
import { Metrics } from './metrics';
import { loadMasterKey } from './sealing';
import { openDatabase, parseTarget } from './store/db';
import { checkSchema } from './store/schema-version';
import { Store } from './store/store';
import type { Limits } from './throttle';

export const DEFAULT_LISTEN = '127.0.0.1:8443';

export interface StartOptions {
  dataDir: string;
  databaseUrl?: string;
  listen?: string;
  version: string;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  limits?: Partial<Limits>;
  env?: NodeJS.ProcessEnv;
  /** The opt-in legacy ingest form POST /v1/alerts/SOURCE/KEY (docs/remediation.md); off by default. */
  ingestPathTokens?: boolean;
  /** Where the JSON logs go; stderr by default. */
  logStream?: NodeJS.WritableStream;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  host: string;
  port: number;
  /** Graceful: stop accepting, finish in-flight requests, close the store. */
  close(): Promise<void>;
}

export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw usageError('SERVER_BAD_LISTEN', `cannot read the listen address ${JSON.stringify(value)}`, {
      hint: 'use HOST:PORT, e.g. 127.0.0.1:8443, 0.0.0.0:8443 or [::]:8443',
    });
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

async function readPem(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw inputMissing('SERVER_TLS_FILE', `cannot read the TLS ${what} ${file}`, {
      hint: 'check the data directory, or run neptune server init again',
    });
  }
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const config = await requireServerConfig(options.dataDir);
  const { host, port } = parseListen(options.listen ?? DEFAULT_LISTEN);
  // The master key must be readable now, not at the first request that needs it.
  const masterKey = await loadMasterKey(options.dataDir, options.env);
  const { loadAuditKey } = await import('./audit-service');
  const auditKey = await loadAuditKey(options.dataDir);
  const cert = await readPem(resolveIn(options.dataDir, config.tls.cert), 'certificate');
  const key = await readPem(resolveIn(options.dataDir, config.tls.key), 'key');
  const metrics = new Metrics();
  const opened = await openDatabase(parseTarget(options.databaseUrl ?? config.databaseUrl, options.dataDir), {
    onQuery: metrics.onQuery,
  });
  let draining = false;
  // With SQLite one process owns the database: restore checks this file (PostgreSQL replicas share no data dir).
  const pidFile = opened.engine === 'sqlite' ? path.join(options.dataDir, PID_FILE) : undefined;
  let app: FastifyInstance;
  try {
    await checkSchema(opened.db as never, opened.engine);
    const store = new Store(opened.db);
    app = await build({
      store,
      version: options.version,
      metrics,
      limits: options.limits,
      https: { cert, key },
      draining: () => draining,
      remediation: {
        masterKey,
        auditSigner: auditKey.signer,
        ingestPathTokens: options.ingestPathTokens === true,
      },
      engine: opened.engine,
      env: options.env,
      logger: {
        level: options.logLevel ?? 'info',
        stream: options.logStream ?? process.stderr,
        redact: ['req.headers.authorization'],
      },
    });
    if (opened.engine === 'postgres') {
      const { dispatchOf, listenForWakeUps } = await import('./dispatch/dispatch');
      const url = options.databaseUrl ?? config.databaseUrl;
      const stopListening = url
        ? await listenForWakeUps(url, dispatchOf(store), (error) =>
            app.log.warn({ err: error }, 'dispatch LISTEN connection failed'),
          )
        : async () => {};
      app.addHook('onClose', stopListening);
    }
    app.addHook('onClose', async () => {
      await opened.close();
      if (pidFile) await rm(pidFile, { force: true });
    });
    await app.listen({ host, port });
    if (pidFile) await writeFileAtomic(pidFile, `${process.pid}\n`, { mode: PRIVATE_FILE });
  } catch (error) {
    await opened.close().catch(() => {});
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw configError('SERVER_ADDRESS_IN_USE', `${host}:${port} is already in use`, {
        hint: 'stop the other process or choose another --listen address',
      });
    }
    if ((error as NodeJS.ErrnoException).code === 'EACCES') {
      throw configError('SERVER_ADDRESS_DENIED', `not allowed to listen on ${host}:${port}`, {
        hint: 'ports below 1024 need privileges; choose a port such as 8443',
      });
    }
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    app,
    host: address.address,
    port: address.port,
    url: `https://${shownHost}:${address.port}`,
    close: () => {
      draining = true;
      closing ??= app.close();
      return closing;
    },
  };
}
