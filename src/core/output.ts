/**
 * The one output layer: results to stdout, everything else (progress, notices, warnings, errors) to stderr.
 *
 * Colour is decided once per stream: off when the stream is not a TTY, with NO_COLOR set (non-empty), TERM=dumb,
 * FORCE_COLOR=0 or --no-color; FORCE_COLOR=1..3 forces it on. chalk ignores NO_COLOR on purpose, so its level is set
 * here. Spinners run only on a TTY stderr, never with CI set, never under --quiet or --json.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** A Node stream's events: writeFlowing waits for 'drain' (or 'close') when write() said its buffer is full. */
  once?(event: 'drain' | 'close', listener: () => void): unknown;
  off?(event: 'drain' | 'close', listener: () => void): unknown;
}

export interface OutputOptions {
  stdout?: Stream;
  stderr?: Stream;
  env?: NodeJS.ProcessEnv;
  /** --json: the result is one JSON document on stdout; human notices are muted. */
  json?: boolean;
  /** --quiet: only results and errors. */
  quiet?: boolean;
  /** --no-color */
  noColor?: boolean;
}

export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

/** Colour level for one stream, following clig.dev and the NO_COLOR convention. */
export function colorLevel(stream: Stream, env: NodeJS.ProcessEnv, noColor = false): 0 | 1 | 2 | 3 {
  if (noColor) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force === '0' || force === 'false') return 0;
  if (force === '1' || force === 'true' || force === '') return 1;
  if (force === '2') return 2;
  if (force === '3') return 3;
  if (!stream.isTTY) return 0;
  if (env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (env.TERM?.includes('256')) return 2;
  return 1;
}

export class Output {
  readonly stdout: Stream;
  readonly stderr: Stream;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Styles for stdout. */
  readonly style: ChalkInstance;
  /** Styles for stderr (its TTY-ness can differ from stdout's). */
  readonly errStyle: ChalkInstance;
  private readonly env: NodeJS.ProcessEnv;
  private readonly warned = new Set<string>();

  constructor(options: OutputOptions = {}) {
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.env = options.env ?? process.env;
    this.json = options.json ?? false;
    this.quiet = options.quiet ?? false;
    this.style = new Chalk({ level: colorLevel(this.stdout, this.env, options.noColor) });
    this.errStyle = new Chalk({ level: colorLevel(this.stderr, this.env, options.noColor) });
  }

  /** A result line on stdout. */
  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** Raw result text on stdout, written as is. */
  write(text: string): void {
    this.stdout.write(text);
  }

  /**
   * Raw result text on stdout, then a wait while the stream's buffer is full: a report written in pieces to a pipe
   * that reads slower than we write (a CI runner's log) is held in memory one piece at a time, not all at once. A
   * reader that leaves ends the process (handleInterruptAndClosedStdout) or closes the stream.
   */
  async writeFlowing(text: string): Promise<void> {
    const out = this.stdout;
    if (out.write(text) !== false || !out.once || !out.off) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off!('drain', done);
        out.off!('close', done);
        resolve();
      };
      out.once!('drain', done);
      out.once!('close', done);
    });
  }

  /** The command's result as one JSON document (used for --json). */
  result(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A human notice on stderr: muted by --quiet and --json. */
  info(message: string): void {
    if (this.quiet || this.json) return;
    this.stderr.write(`${message}\n`);
  }

  /** A warning on stderr: shown even with --quiet (it may change what the user does next). */
  warn(message: string): void {
    this.stderr.write(`${this.errStyle.yellow('warning:')} ${message}\n`);
  }

  /** A warning shown once per process for a given key (e.g. "credentials stored in a file"). */
  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message);
  }

  /** An error line on stderr (the top-level handler formats NeptuneErrors with this). */
  error(message: string, hint?: string): void {
    this.stderr.write(`${this.errStyle.red('error:')} ${message}\n`);
    if (hint) this.stderr.write(`${this.errStyle.dim('hint:')} ${hint}\n`);
  }

  get spinnersAllowed(): boolean {
    // A terminal that reports 0 columns (a pty nobody sized) would make ora redraw without end.
    const columns = (this.stderr as { columns?: number }).columns;
    return (
      Boolean(this.stderr.isTTY) &&
      columns !== 0 &&
      !this.env.CI &&
      this.env.TERM !== 'dumb' &&
      !this.quiet &&
      !this.json
    );
  }

  /**
   * Progress for a long task. On a TTY stderr (and not CI) an ora spinner; otherwise one plain line per phase;
   * nothing under --quiet or --json.
   */
  async spinner(text: string): Promise<Spinner> {
    if (this.spinnersAllowed) {
      const { default: ora } = await import('ora');
      const spinner = ora({ text, stream: this.stderr as NodeJS.WritableStream, color: 'cyan' }).start();
      return {
        update: (t) => {
          spinner.text = t;
        },
        succeed: (t) => void spinner.succeed(t),
        fail: (t) => void spinner.fail(t),
        stop: () => void spinner.stop(),
      };
    }
    this.info(`${text}…`);
    return {
      update: (t) => this.info(`${t}…`),
      succeed: (t) => {
        if (t) this.info(t);
      },
      fail: (t) => {
        if (t) this.info(t);
      },
      stop: () => {},
    };
  }
}
