import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

export default class ServerStart extends NeptuneCommand {
  static override summary = 'Run the control plane: HTTPS on --listen until SIGTERM.';
  static override description =
    `Serves the API over HTTPS only (TLS 1.2+), with structured JSON logs on stderr, GET /healthz, /readyz and
/metrics (Prometheus). SIGTERM or SIGINT: stop accepting, finish the requests in flight, close the store, exit 0.
Several processes may share one PostgreSQL (--database-url): they keep no state of their own.`;
  static override examples = [
    '<%= config.bin %> server start --data-dir /var/lib/neptune',
    '<%= config.bin %> server start --data-dir /etc/neptune --listen 0.0.0.0:8443',
  ];
  static override flags = {
    'data-dir': Flags.string({ description: 'Data directory made by server init.', required: true }),
    listen: Flags.string({ description: 'Address to listen on, HOST:PORT.', default: '127.0.0.1:8443' }),
    'database-url': Flags.string({
      description: 'PostgreSQL URL; default: the one given to server init, or SQLite.',
      env: 'NEPTUNE_DATABASE_URL',
    }),
    'rate-limit': Flags.integer({
      description: 'Requests per account per minute before 429 (all replicas together).',
      default: 6000,
      min: 1,
    }),
    'ingest-path-tokens': Flags.boolean({
      description:
        'Also accept alerts at POST /v1/alerts/SOURCE/KEY (legacy senders that cannot set headers). Off by default: the key then lands in the access logs of proxies in front of the server.',
      env: 'NEPTUNE_INGEST_PATH_TOKENS',
      default: false,
    }),
    'log-level': Flags.string({
      description: 'Log level.',
      options: ['fatal', 'error', 'warn', 'info', 'debug', 'silent'],
      default: 'info',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ServerStart);
    const { startServer } = await import('../../server/start');
    const server = await startServer({
      dataDir: flags['data-dir'],
      listen: flags.listen,
      databaseUrl: flags['database-url'],
      version: this.config.version,
      logLevel: flags['log-level'] as 'info',
      limits: { accountPerMinute: flags['rate-limit'] },
      ingestPathTokens: flags['ingest-path-tokens'],
    });
    server.app.log.info({ url: server.url }, 'neptune server ready');
    // The CLI's default SIGINT handler exits at once; a server drains instead.
    process.removeAllListeners('SIGINT');
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        server.app.log.info({ signal }, 'shutting down: finishing requests in flight');
        server.close().then(resolve, (error: unknown) => {
          server.app.log.error({ err: error }, 'shutdown failed');
          process.exitCode = 1;
          resolve();
        });
      };
      // A repeated signal while draining changes nothing: the drain finishes (systemd's TimeoutStopSec bounds it).
      let stopping = false;
      const once = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        stop(signal);
      };
      process.on('SIGTERM', once);
      process.on('SIGINT', once);
    });
  }
}
