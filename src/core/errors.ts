/**
 * The one catalog of failure kinds and their exit codes (DESIGN §1).
 *
 * Every error a user can see is a NeptuneError: a stable `code` (SCREAMING_SNAKE, namespaced by area, e.g.
 * `ALLOWLIST_UNKNOWN_REGION`), a `kind` that fixes the exit code, a one-line `message`, and an optional `hint`
 * that says what to do. Codes are part of the public interface (they appear in `--json` errors): never rename one.
 */

export const EXIT = {
  ok: 0,
  /** A valid run whose outcome is a failure: lint findings at or above --fail-on, a runbook that failed. */
  failed: 1,
  usage: 64,
  data: 65,
  noInput: 66,
  /** A bug in neptune itself (sysexits EX_SOFTWARE). */
  internal: 70,
  unavailable: 69,
  temporary: 75,
  auth: 77,
  config: 78,
  commandNotFound: 127,
  interrupted: 130,
} as const;

export type ErrorKind = Exclude<keyof typeof EXIT, 'ok' | 'commandNotFound'>;

/** Documentation of each kind, rendered into `--help` and docs/errors.md. */
export const ERROR_KINDS: Record<ErrorKind, string> = {
  failed: 'the command ran, and its outcome is a failure (findings at or above --fail-on, a failed runbook)',
  usage: 'bad command line: unknown flag, missing or invalid argument',
  data: 'input data is malformed or invalid',
  noInput: 'an input file is missing or unreadable',
  internal: 'a bug in neptune: please report it with the output of --debug',
  unavailable: 'the service is unreachable, or TLS verification failed',
  temporary: 'a temporary failure: retrying later may succeed',
  auth: 'not authenticated, or not allowed',
  config: 'bad configuration',
  interrupted: 'interrupted (Ctrl-C)',
};

export interface NeptuneErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Extra machine-readable facts, shown under --json (never secrets). */
  details?: Record<string, unknown>;
}

export class NeptuneError extends Error {
  override readonly name = 'NeptuneError';
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    options: NeptuneErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.details = options.details;
  }

  get exitCode(): number {
    return EXIT[this.kind];
  }

  toJSON(): { error: { code: string; kind: ErrorKind; message: string; hint?: string; details?: object } } {
    return {
      error: {
        code: this.code,
        kind: this.kind,
        message: this.message,
        ...(this.hint ? { hint: this.hint } : {}),
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}

type Factory = (code: string, message: string, options?: NeptuneErrorOptions) => NeptuneError;
const factory =
  (kind: ErrorKind): Factory =>
  (code, message, options) =>
    new NeptuneError(kind, code, message, options);

/** Short constructors, one per kind: `throw usageError('ALLOWLIST_UNKNOWN_REGION', '…', {hint: '…'})`. */
export const failed = factory('failed');
export const usageError = factory('usage');
export const dataError = factory('data');
export const inputMissing = factory('noInput');
export const unavailable = factory('unavailable');
export const temporaryFailure = factory('temporary');
export const authError = factory('auth');
export const configError = factory('config');
export const internalError = factory('internal');

export function isNeptuneError(error: unknown): error is NeptuneError {
  return error instanceof NeptuneError;
}

/**
 * Turns a Node file-system error into the catalog: a missing file is exit 66, anything else about reading it too;
 * other errors pass through unchanged.
 */
export function fromFsError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return inputMissing('INPUT_MISSING', `${path}: no such file`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM')
    return inputMissing('INPUT_UNREADABLE', `${path}: permission denied`, { cause: error });
  if (code === 'EISDIR')
    return inputMissing('INPUT_IS_DIRECTORY', `${path}: is a directory, expected a file`);
  return error;
}
