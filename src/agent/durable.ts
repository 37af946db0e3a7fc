/**
 * Durable files for the agent's state dir: what the ledger and the spool promise ("written before the process
 * starts", "on disk before upload") holds only if the data and the directory entry both reach the disk. Writes go
 * through src/core/fs.ts (temporary file, fsync, rename) and then fsync the directory, so a crash or power loss
 * right after leaves either the old file or the new one, never a missing or half-written one.
 */
import { constants } from 'node:fs';
import { chmod, mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { PRIVATE_DIR, PRIVATE_FILE, writeFileAtomic } from '../core/fs';

/** fsync a directory, so that a rename or a new file in it survives a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Atomic, private (0600) and durable: the file and its directory entry are on disk when this resolves. */
export async function writeDurable(file: string, data: string | Uint8Array): Promise<void> {
  await writeFileAtomic(file, data, { mode: PRIVATE_FILE, dirMode: PRIVATE_DIR });
  await fsyncDir(path.dirname(file));
}

/**
 * Creates `file` only if it does not exist (O_EXCL), writes `data`, fsyncs it and its directory. Returns false when
 * the file already existed: the primitive behind "an action id is claimed once", even across two agent processes.
 */
export async function createExclusive(file: string, data: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, PRIVATE_FILE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsyncDir(path.dirname(file));
  return true;
}

/**
 * A private directory (0700), created with its parents if needed; an existing one is tightened to 0700. Parents it
 * creates are 0755, so that `--state-dir /opt/neptune/state` stays reachable by the agent user.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true, mode: 0o755 });
  await mkdir(dir, { mode: PRIVATE_DIR }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const info = await stat(dir);
  if ((info.mode & 0o777) !== PRIVATE_DIR) await chmod(dir, PRIVATE_DIR);
}
