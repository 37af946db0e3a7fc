/**
 * File writes that never leave half-written data: write a temporary file beside the target, flush it, then
 * rename it over the target (atomic on POSIX). Secrets are written 0600 in 0700 directories.
 */
import path from 'node:path';

export interface WriteOptions {
  /** File mode; 0o600 for anything that holds a secret. Default 0o644. */
  mode?: number;
  /** Mode of directories created on the way. Default 0o755, or 0o700 when the file mode is private. */
  dirMode?: number;
}

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): Promise<void> {
  const writer = await openAtomicWriter(file, options);
  try {
    await writer.write(data);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writer.commit();
}

export interface AtomicWriter {
  /** Appends data; resolves once it is written (so a producer never runs ahead of the disk). */
  write(data: string | Uint8Array): Promise<void>;
  /** Flushes, then renames the temporary file over the target. */
  commit(): Promise<void>;
  /** Removes the temporary file; the target is left as it was. */
  abort(): Promise<void>;
}

/**
 * writeFileAtomic for data that arrives in pieces (a large file written while it is produced): the pieces go to
 * a temporary file beside the target, which replaces the target only on commit().
 */
export async function openAtomicWriter(file: string, options: WriteOptions = {}): Promise<AtomicWriter> {
  // loaded on first use, not with the module: a `runbook lint` that writes no report file never needs them
  const { randomBytes } = await import('node:crypto');
  const { chmod, mkdir, open, rename, rm } = await import('node:fs/promises');
  const mode = options.mode ?? 0o644;
  const dirMode = options.dirMode ?? ((mode & 0o077) === 0 ? PRIVATE_DIR : 0o755);
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: dirMode });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', mode);
  return {
    async write(data) {
      await handle.writeFile(data);
    },
    async commit() {
      try {
        await handle.sync();
        await handle.close();
        // open() applies the umask; a private file must be exactly its mode.
        await chmod(tmp, mode);
        await rename(tmp, file);
      } catch (error) {
        await handle.close().catch(() => {});
        await rm(tmp, { force: true });
        throw error;
      }
    },
    async abort() {
      await handle.close().catch(() => {});
      await rm(tmp, { force: true });
    },
  };
}
