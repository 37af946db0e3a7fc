/**
 * The one top-level error handler: whatever escapes a command ends here and becomes one line (plus a hint) on
 * stderr, or one JSON error on stdout under --json, and the documented exit code. A stack only with --debug.
 */
import { EXIT, internalError, isNeptuneError, NeptuneError, usageError } from './errors';
import type { Output } from './output';

// Strips ANSI colour codes that oclif puts into its own messages.
const ANSI = /\u001b\[[0-9;]*m/g;

const OCLIF_PARSER_MESSAGE =
  /^(Flag --\S+ (can only be specified once|can only be read from stdin|expects )|Unexpected flag |Parsing --\S+\s*\n)/;

interface OclifLikeError extends Error {
  oclif?: { exit?: number | false };
  parse?: unknown;
  code?: string;
  skipOclifErrorHandling?: boolean;
}

/**
 * oclif's parse errors are multi-line ("The following error occurred:\n  Missing …\nSee more help with --help");
 * the user gets one line that names the flag or argument.
 */
function oneLineParseMessage(message: string): string {
  const raw = message.replace(ANSI, '').split('\n');
  // "Missing 1 required arg:" is followed by "name  description" lines up to a blank line: keep the names.
  const header = raw.findIndex((l) => /^Missing \d+ required args?:$/.test(l.trim()));
  if (header >= 0) {
    const end = raw.findIndex((l, i) => i > header && (l.trim() === '' || l.startsWith('See more help')));
    const names = raw.slice(header + 1, end < 0 ? undefined : end).map((l) => l.trim().split(/\s+/)[0]);
    return `missing required argument${names.length > 1 ? 's' : ''}: ${names.join(', ')}`;
  }
  const lines = raw
    .map((l) => l.trim())
    .filter(
      (l) => l && !/^See more help with --help$/.test(l) && !/^The following errors? occurred:$/.test(l),
    );
  // "Parsing --max-warnings" is followed by the flag's own complaint.
  const parsing = lines[0]?.match(/^Parsing (--\S+)$/);
  if (parsing && lines[1]) return `${parsing[1]}: ${lines[1].charAt(0).toLowerCase()}${lines[1].slice(1)}`;
  const text = lines.join('; ');
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Maps anything thrown to a NeptuneError from the catalog. */
export function normalizeError(error: unknown, commandId?: string): NeptuneError {
  if (isNeptuneError(error)) return error;
  const e = error as OclifLikeError | undefined;
  const where = commandId ? `neptune ${commandId.replaceAll(':', ' ')} --help` : 'neptune --help';
  if (e && typeof e === 'object' && 'parse' in e && e.oclif)
    return usageError('USAGE', oneLineParseMessage(e.message), { hint: `see ${where}` });
  // oclif's parser also throws bare CLIErrors ("Flag --x can only be specified once", "Unexpected flag --x").
  if (e instanceof Error && OCLIF_PARSER_MESSAGE.test(e.message))
    return usageError('USAGE', oneLineParseMessage(e.message), { hint: `see ${where}` });
  if (e?.code === 'ABORT_ERR' || e?.name === 'AbortError')
    return new NeptuneError('interrupted', 'INTERRUPTED', 'interrupted');
  const message = e instanceof Error ? e.message.replace(ANSI, '').split('\n')[0] : String(error);
  return internalError('INTERNAL', `internal error: ${message}`, {
    cause: error,
    hint: 'run again with --debug for details, and report it (see SECURITY.md for anything sensitive)',
  });
}

export interface HandleOptions {
  output: Output;
  json: boolean;
  debug: boolean;
  commandId?: string;
}

/** Prints the error as the user should see it and returns the exit code. */
export function renderError(error: unknown, { output, json, debug, commandId }: HandleOptions): number {
  // oclif's own exit (this.exit(n)) is control flow, not an error.
  const exitOnly = error as OclifLikeError;
  if (exitOnly?.oclif?.exit !== undefined && exitOnly.code === 'EEXIT')
    return Number(exitOnly.oclif.exit) || 0;

  const normalized = normalizeError(error, commandId);
  if (json) output.result(normalized.toJSON());
  else output.error(normalized.message, normalized.hint);
  if (debug) {
    const stack = (error instanceof Error && error.stack) || String(error);
    output.stderr.write(`${stack}\n`);
    let cause = error instanceof Error ? error.cause : undefined;
    while (cause) {
      output.stderr.write(`caused by: ${(cause instanceof Error && cause.stack) || String(cause)}\n`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  }
  return normalized.exitCode;
}

export { EXIT };
