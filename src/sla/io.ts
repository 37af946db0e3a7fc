/** The real file system behind `neptune sla claim` (the domain takes it as an argument). */
import { createReadStream } from 'node:fs';
import { access, constants, readFile, stat } from 'node:fs/promises';
import { fromFsError } from '../core/errors';
import { openAtomicWriter, PRIVATE_FILE, writeFileAtomic } from '../core/fs';
import type { ClaimIo } from './run';

async function* readLog(file: string): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) yield chunk as Buffer;
  } catch (error) {
    throw fromFsError(error, file);
  }
}

/** Claims hold account details and log excerpts: the files are written 0600, atomically. */
export function nodeClaimIo(): ClaimIo {
  return {
    async readText(file) {
      try {
        if ((await stat(file)).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
        return await readFile(file, 'utf8');
      } catch (error) {
        throw fromFsError(error, file);
      }
    },
    async checkReadable(file) {
      try {
        await access(file, constants.R_OK);
        if ((await stat(file)).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
      } catch (error) {
        throw fromFsError(error, file);
      }
    },
    openLog: readLog,
    writeFile: (file, data) => writeFileAtomic(file, data, { mode: PRIVATE_FILE }),
    openWriter: (file) => openAtomicWriter(file, { mode: PRIVATE_FILE }),
    clock: () => Date.now(),
  };
}
