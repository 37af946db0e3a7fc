import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

export default class ServerBackup extends NeptuneCommand {
  static override summary = 'Snapshot the SQLite store while the server runs (PostgreSQL: use pg_dump).';
  static override description =
    `Writes a consistent copy of the database (SQLite VACUUM INTO), whole or not at all, mode 0600. With a
directory as --out, the file is named neptune-YYYYMMDDTHHMMSSZ.db and --keep-daily/--keep-weekly thin the older ones.
The master key (D/master.key) and D/tls/ are not in the backup: keep copies of them apart from it.`;
  static override examples = [
    '<%= config.bin %> server backup --data-dir /var/lib/neptune --out /backups/neptune.db',
    '<%= config.bin %> server backup --data-dir /var/lib/neptune --out /backups/ --keep-daily 7 --keep-weekly 8',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    'data-dir': Flags.string({ description: 'Data directory of the server.', required: true }),
    out: Flags.string({
      description: 'Backup file, or a directory to put a time-named file in.',
      required: true,
    }),
    'keep-daily': Flags.integer({
      description: 'In a directory: keep the newest backup of each of the last N days.',
      min: 0,
    }),
    'keep-weekly': Flags.integer({
      description: 'In a directory: keep the newest backup of each of the last N weeks.',
      min: 0,
    }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(ServerBackup);
    const { backupServer } = await import('../../server/backup');
    const result = await backupServer({
      dataDir: flags['data-dir'],
      out: flags.out,
      keepDaily: flags['keep-daily'],
      keepWeekly: flags['keep-weekly'],
    });
    this.output.info(`backup written to ${result.file} (${result.bytes} bytes)`);
    for (const name of result.removed) this.output.info(`removed old backup ${name}`);
    return result;
  }
}
