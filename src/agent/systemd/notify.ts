/**
 * sd_notify(3) for the agent: READY=1 when it runs, WATCHDOG=1 while it is healthy, STOPPING=1 when it drains,
 * STATUS=… for `systemctl status`.
 *
 * The protocol is one datagram per message to the AF_UNIX socket named by $NOTIFY_SOCKET. Node cannot open a unix
 * DATAGRAM socket (its dgram module is UDP only), and a native addon cannot be built offline nor shipped safely in
 * the single executable, so the datagram is sent by `systemd-notify` — present wherever systemd runs the agent —
 * with the same messages as arguments (docs/decisions/0501-agent-sd-notify.md). systemd-notify waits on a
 * BARRIER=1 message until the manager has processed the message, so attribution to the unit is reliable
 * (systemd ≥ 246); the unit says NotifyAccess=all because the sender is the agent's child.
 *
 * Without $NOTIFY_SOCKET (not under systemd) every call is a no-op.
 */
import { execFile } from 'node:child_process';

const FIELD = /^[A-Z_][A-Z0-9_]*$/;

export type NotifyRunner = (command: string, args: string[], env: NodeJS.ProcessEnv) => Promise<void>;

const execRunner: NotifyRunner = (command, args, env) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 10_000 }, (error) => (error ? reject(error) : resolve()));
  });

export interface NotifyOptions {
  env?: NodeJS.ProcessEnv;
  command?: string;
  run?: NotifyRunner;
  pid?: number;
}

export class SdNotify {
  private readonly env: NodeJS.ProcessEnv;
  private readonly command: string;
  private readonly run: NotifyRunner;
  private readonly pid: number;
  /** Messages go out one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: NotifyOptions = {}) {
    this.env = options.env ?? process.env;
    this.command = options.command ?? 'systemd-notify';
    this.run = options.run ?? execRunner;
    this.pid = options.pid ?? process.pid;
  }

  /** Under systemd with Type=notify. */
  get enabled(): boolean {
    return Boolean(this.env.NOTIFY_SOCKET);
  }

  /**
   * The interval at which WATCHDOG=1 must be sent (half of WatchdogSec, as sd_watchdog_enabled(3) advises), or
   * undefined when no watchdog is set for this process.
   */
  get watchdogIntervalMs(): number | undefined {
    const usec = Number(this.env.WATCHDOG_USEC);
    if (!this.enabled || !Number.isFinite(usec) || usec <= 0) return undefined;
    const pid = this.env.WATCHDOG_PID;
    if (pid && Number(pid) !== this.pid) return undefined;
    return Math.max(1, Math.floor(usec / 2000));
  }

  /** Sends one message of `KEY=value` fields. Resolves false when not under systemd or when sending failed. */
  notify(fields: Record<string, string>): Promise<boolean> {
    const args = Object.entries(fields).map(([key, value]) => {
      if (!FIELD.test(key)) throw new Error(`invalid sd_notify field ${JSON.stringify(key)}`);
      return `${key}=${value.replace(/[\r\n]+/g, ' ')}`;
    });
    if (!this.enabled || args.length === 0) return Promise.resolve(false);
    const send = this.queue.then(() =>
      this.run(this.command, args, this.env).then(
        () => true,
        () => false,
      ),
    );
    this.queue = send;
    return send;
  }

  ready(status?: string): Promise<boolean> {
    return this.notify({ READY: '1', ...(status ? { STATUS: status } : {}) });
  }

  watchdog(): Promise<boolean> {
    return this.notify({ WATCHDOG: '1' });
  }

  stopping(status?: string): Promise<boolean> {
    return this.notify({ STOPPING: '1', ...(status ? { STATUS: status } : {}) });
  }

  status(text: string): Promise<boolean> {
    return this.notify({ STATUS: text });
  }

  /**
   * Pets the watchdog every half period while `healthy()` says so (e.g. a poll succeeded within twice the poll
   * interval). Returns a function that stops it. No-op without a watchdog.
   */
  startWatchdog(healthy: () => boolean): () => void {
    const interval = this.watchdogIntervalMs;
    if (interval === undefined) return () => {};
    const timer = setInterval(() => {
      if (healthy()) void this.watchdog();
    }, interval);
    timer.unref();
    return () => clearInterval(timer);
  }
}
