/**
 * The spool: results waiting for the server. Each output chunk and each finish record is written to
 * `<state>/spool/<action id>/` and fsynced BEFORE it is uploaded, and removed only after the server acknowledged
 * it, so no result is lost across agent restarts, server restarts or a long outage (Buildkite keeps chunks in
 * memory and gives up after about 10 minutes; SSM keeps replies on disk — this is the SSM model).
 *
 * Files: `chunk-<seq>-<offset>-<stream>.bin` (the raw bytes), `finish.json` (the finish record). The quota
 * (default 1 GiB) is kept by dropping the OLDEST output chunks first; finish records are never dropped, and every
 * drop is counted per action so the finish record can say how many chunks were lost.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FinishRecord, OutputStream } from '../api/agent-protocol';
import { ensurePrivateDir, writeDurable } from './durable';
import { checkActionId, isActionId } from './ids';
import type { OutputChunk } from './output';

export const DEFAULT_SPOOL_QUOTA_BYTES = 1024 * 1024 * 1024;

const CHUNK_FILE = /^chunk-(\d{10})-(\d+)-(stdout|stderr)\.bin$/;
const FINISH_FILE = 'finish.json';
const DROPPED_FILE = 'dropped.json';

export interface ChunkRef {
  actionId: string;
  seq: number;
  offset: number;
  stream: OutputStream;
  bytes: number;
  file: string;
}

export interface SpooledAction {
  actionId: string;
  /** In sequence order. */
  chunks: ChunkRef[];
  finish: FinishRecord | null;
  droppedChunks: number;
}

export interface SpoolOptions {
  quotaBytes?: number;
}

function chunkName(chunk: { seq: number; offset: number; stream: OutputStream }): string {
  return `chunk-${String(chunk.seq).padStart(10, '0')}-${chunk.offset}-${chunk.stream}.bin`;
}

export class Spool {
  private readonly quotaBytes: number;
  /** Every chunk on disk, oldest first: the order in which the quota drops them. */
  private chunks: ChunkRef[] = [];
  private finishBytes = 0;
  private readonly dropped = new Map<string, number>();
  /** Writes are serialised so the accounting and the quota stay exact. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    options: SpoolOptions,
  ) {
    this.quotaBytes = options.quotaBytes ?? DEFAULT_SPOOL_QUOTA_BYTES;
  }

  /** Opens the spool and takes stock of what a previous run left in it. */
  static async open(dir: string, options: SpoolOptions = {}): Promise<Spool> {
    await ensurePrivateDir(dir);
    const spool = new Spool(dir, options);
    const found: (ChunkRef & { mtime: number })[] = [];
    for (const id of (await readdir(dir)).sort()) {
      if (!isActionId(id)) continue;
      const actionDir = path.join(dir, id);
      for (const name of await readdir(actionDir).catch(() => [] as string[])) {
        const file = path.join(actionDir, name);
        const match = CHUNK_FILE.exec(name);
        if (match) {
          const info = await stat(file);
          found.push({
            actionId: id,
            seq: Number(match[1]),
            offset: Number(match[2]),
            stream: match[3] as OutputStream,
            bytes: info.size,
            file,
            mtime: info.mtimeMs,
          });
        } else if (name === FINISH_FILE) {
          spool.finishBytes += (await stat(file)).size;
        } else if (name === DROPPED_FILE) {
          const count = Number(JSON.parse(await readFile(file, 'utf8')).droppedChunks);
          if (Number.isInteger(count)) spool.dropped.set(id, count);
        }
      }
    }
    found.sort((a, b) => a.mtime - b.mtime || a.actionId.localeCompare(b.actionId) || a.seq - b.seq);
    spool.chunks = found.map(({ mtime: _, ...ref }) => ref);
    return spool;
  }

  /** Bytes on disk: chunks and finish records. */
  get bytes(): number {
    return this.chunks.reduce((sum, c) => sum + c.bytes, 0) + this.finishBytes;
  }

  get empty(): boolean {
    return this.chunks.length === 0 && this.finishBytes === 0;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  private actionDir(actionId: string): string {
    return path.join(this.dir, checkActionId(actionId));
  }

  /** Durably stores a chunk (before it is uploaded), dropping the oldest chunks if the quota requires. */
  addChunk(actionId: string, chunk: OutputChunk): Promise<ChunkRef> {
    return this.serial(async () => {
      const dir = this.actionDir(actionId);
      await ensurePrivateDir(dir);
      const file = path.join(dir, chunkName(chunk));
      await writeDurable(file, chunk.data);
      const ref: ChunkRef = {
        actionId,
        seq: chunk.seq,
        offset: chunk.offset,
        stream: chunk.stream,
        bytes: chunk.data.length,
        file,
      };
      this.chunks.push(ref);
      await this.enforceQuota(ref);
      return ref;
    });
  }

  private async enforceQuota(keep: ChunkRef): Promise<void> {
    while (this.bytes > this.quotaBytes) {
      const oldest = this.chunks.find((c) => c !== keep);
      if (!oldest) return;
      this.chunks.splice(this.chunks.indexOf(oldest), 1);
      await rm(oldest.file, { force: true });
      const count = (this.dropped.get(oldest.actionId) ?? 0) + 1;
      this.dropped.set(oldest.actionId, count);
      await writeDurable(
        path.join(this.actionDir(oldest.actionId), DROPPED_FILE),
        JSON.stringify({ droppedChunks: count }),
      );
    }
  }

  /** Chunks of an action dropped for the quota so far. */
  droppedChunks(actionId: string): number {
    return this.dropped.get(actionId) ?? 0;
  }

  /** Durably stores the finish record. It is never dropped for the quota. */
  writeFinish(record: FinishRecord): Promise<void> {
    return this.serial(async () => {
      const dir = this.actionDir(record.actionId);
      await ensurePrivateDir(dir);
      const file = path.join(dir, FINISH_FILE);
      const previous = await stat(file).then(
        (s) => s.size,
        () => 0,
      );
      const text = `${JSON.stringify(record)}\n`;
      await writeDurable(file, text);
      this.finishBytes += Buffer.byteLength(text) - previous;
    });
  }

  async readChunk(ref: ChunkRef): Promise<Buffer> {
    return readFile(ref.file);
  }

  /** Everything waiting for upload, per action, actions in the order their oldest data arrived. */
  async pending(): Promise<SpooledAction[]> {
    await this.queue;
    const ids = new Set(this.chunks.map((c) => c.actionId));
    for (const id of (await readdir(this.dir)).sort()) if (isActionId(id)) ids.add(id);
    const result: SpooledAction[] = [];
    for (const actionId of ids) {
      const finish = await readFile(path.join(this.actionDir(actionId), FINISH_FILE), 'utf8').then(
        (t) => JSON.parse(t) as FinishRecord,
        () => null,
      );
      const chunks = this.chunks.filter((c) => c.actionId === actionId).sort((a, b) => a.seq - b.seq);
      if (chunks.length === 0 && !finish) continue;
      result.push({ actionId, chunks, finish, droppedChunks: this.droppedChunks(actionId) });
    }
    return result;
  }

  /** The server has the chunk: its file goes. */
  ackChunk(actionId: string, seq: number): Promise<void> {
    return this.serial(async () => {
      const index = this.chunks.findIndex((c) => c.actionId === actionId && c.seq === seq);
      if (index < 0) return;
      const [ref] = this.chunks.splice(index, 1);
      await rm(ref!.file, { force: true });
    });
  }

  /** The server has the finish record (it comes last): the action leaves the spool. */
  ackFinish(actionId: string): Promise<void> {
    return this.serial(async () => {
      const dir = this.actionDir(actionId);
      this.chunks = this.chunks.filter((c) => c.actionId !== actionId);
      const size = await stat(path.join(dir, FINISH_FILE)).then(
        (s) => s.size,
        () => 0,
      );
      this.finishBytes -= size;
      this.dropped.delete(actionId);
      await rm(dir, { recursive: true, force: true });
    });
  }
}

/** Spool size by walking the directory, for `agent status` (which must not open the spool for writing). */
export async function spoolUsage(dir: string): Promise<{ actions: number; chunks: number; bytes: number }> {
  let actions = 0;
  let chunks = 0;
  let bytes = 0;
  for (const id of await readdir(dir).catch(() => [] as string[])) {
    if (!isActionId(id)) continue;
    actions++;
    for (const name of await readdir(path.join(dir, id)).catch(() => [] as string[])) {
      if (CHUNK_FILE.test(name)) chunks++;
      if (CHUNK_FILE.test(name) || name === FINISH_FILE)
        bytes += await stat(path.join(dir, id, name)).then(
          (s) => s.size,
          () => 0,
        );
    }
  }
  return { actions, chunks, bytes };
}
