import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

export default class ServerRestore extends NeptuneCommand {
  static override summary = 'Replace the SQLite store by a backup (the server must be stopped).';
  static override description =
    `Checks the backup (integrity, and a schema this version knows), then puts it in place of D/neptune.db.
Refused while a server runs on the data directory. PostgreSQL: use pg_restore (docs/server.md).`;
  static override examples = [
    '<%= config.bin %> server restore --data-dir /var/lib/neptune --from /backups/neptune-20260301T020000Z.db --yes',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    'data-dir': Flags.string({ description: 'Data directory of the server.', required: true }),
    from: Flags.string({ description: 'Backup file made by server backup.', required: true }),
    yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation.' }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(ServerRestore);
    const { confirm } = await import('../../client/confirm');
    await confirm(
      `replace the database in ${flags['data-dir']}`,
      'restore',
      flags.yes,
      'neptune server restore',
    );
    const { restoreServer } = await import('../../server/backup');
    const result = await restoreServer({ dataDir: flags['data-dir'], from: flags.from });
    this.output.info(`restored ${result.from} into ${result.file} (${result.accounts} accounts)`);
    return result;
  }
}
