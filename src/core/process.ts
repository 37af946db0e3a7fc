/** What every entry point (the full CLI, the lint bundle) does with the process's own streams and signals. */
import { EXIT } from './errors';

/** Ctrl-C exits with the interrupted code; a reader that left (`neptune … | head`) ends the run quietly. */
export function handleInterruptAndClosedStdout(): void {
  process.on('SIGINT', () => process.exit(EXIT.interrupted));
  // An unhandled EPIPE would print a stack trace for what is a normal end.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw error;
  });
}

/** All of stdin, as UTF-8 text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
