/** How streamed reports reach stdout and files: in pieces small enough to die young, in few writes. */
import type { AtomicWriter } from '../core/fs';

/**
 * Joins small pieces into writes of 16 Ki characters or a little more. A write stays below V8's large-object size
 * (128 KiB, two bytes per character once a message holds `…`): larger strings go to the large-object space,
 * which only full collections free, and 10,000 files' reports piled up ~45 MB there (decision 0209's update).
 */
export function* batched(chunks: Iterable<string>): Generator<string> {
  // (a written piece is garbage at once and dies young: no full collections here, decision 0208)
  let buffer = '';
  for (const chunk of chunks) {
    buffer += chunk;
    if (buffer.length >= 16384) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer !== '') yield buffer;
}

/** The bytes a report file is written in: few writes, and no string of a report's size on the heap. */
export const FILE_BATCH = 256 * 1024;

/**
 * Writes the pieces of a report to a file through one reused buffer, encoded as they come (decision 0210): a
 * run of 1,000 files wrote its 7 MB JSON report as ~420 strings, each joined, flattened, encoded into a new buffer
 * and written through the thread pool. The buffer is reused only after its write resolved.
 */
export async function writeBatched(chunks: Iterable<string>, writer: AtomicWriter): Promise<void> {
  const buffer = Buffer.allocUnsafe(FILE_BATCH);
  let used = 0;
  for (const chunk of chunks) {
    // at most 3 bytes per UTF-16 unit
    if (chunk.length * 3 > FILE_BATCH - used) {
      if (used > 0) await writer.write(buffer.subarray(0, used));
      used = 0;
      if (chunk.length * 3 > FILE_BATCH) {
        await writer.write(Buffer.from(chunk, 'utf8'));
        continue;
      }
    }
    used += buffer.write(chunk, used, 'utf8');
  }
  if (used > 0) await writer.write(buffer.subarray(0, used));
}
