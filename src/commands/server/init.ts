import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

export default class ServerInit extends NeptuneCommand {
  static override summary = 'Prepare a data directory: schema, TLS, an account and its first admin key.';
  static override description =
    `Creates the database schema (SQLite in the data directory, or PostgreSQL with --database-url), a private
CA and a server certificate for the --hostname names in D/tls/ (unless --tls-cert and --tls-key are given), a master
key for secrets at rest (unless NEPTUNE_MASTER_KEY is set), the account and its admin. Prints the admin's API key
once, on stdout. Run again on the same directory to add an account or apply new migrations.
The database URL may hold a password: prefer NEPTUNE_DATABASE_URL (or PGPASSWORD) to the flag.`;
  static override examples = [
    '<%= config.bin %> server init --data-dir /var/lib/neptune --account acme --admin-email ops@acme.example > admin-key.txt',
    'NEPTUNE_DATABASE_URL=postgres://neptune@db/neptune <%= config.bin %> server init --data-dir /etc/neptune --account acme --admin-email ops@acme.example --hostname neptune.acme.example',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    'data-dir': Flags.string({ description: 'Data directory (created 0700).', required: true }),
    'database-url': Flags.string({
      description: 'PostgreSQL URL (postgres://…); default: SQLite in the data directory.',
      env: 'NEPTUNE_DATABASE_URL',
    }),
    account: Flags.string({ description: 'Handle of the account to create (the tenant).', required: true }),
    'admin-email': Flags.string({ description: 'E-mail of its first admin.', required: true }),
    hostname: Flags.string({
      description:
        'A name or IP address for the server certificate (repeat; default localhost, 127.0.0.1, ::1).',
      multiple: true,
    }),
    'tls-cert': Flags.string({ description: 'Your own certificate chain (PEM) instead of a private CA.' }),
    'tls-key': Flags.string({ description: 'The key of --tls-cert (PEM).' }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(ServerInit);
    const { initServer } = await import('../../server/init');
    const result = await initServer({
      dataDir: flags['data-dir'],
      databaseUrl: flags['database-url'],
      account: flags.account,
      adminEmail: flags['admin-email'],
      hostnames: flags.hostname,
      tlsCert: flags['tls-cert'],
      tlsKey: flags['tls-key'],
    });
    if (!this.jsonEnabled()) {
      this.output.line(result.apiKey);
      this.output.info(
        [
          `initialised ${flags['data-dir']} (${result.engine}); account ${flags.account}, admin ${flags['admin-email']}`,
          'the API key above is shown only once: keep it, or pipe it into neptune login --with-token',
          ...(result.caFile ? [`CA certificate: ${result.caFile} (SHA-256 ${result.caFingerprint})`] : []),
          `next: neptune server start --data-dir ${flags['data-dir']}`,
        ].join('\n'),
      );
    }
    return { apiKey: result.apiKey, caFile: result.caFile, caFingerprint: result.caFingerprint };
  }
}
