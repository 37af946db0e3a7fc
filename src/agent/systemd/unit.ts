/**
 * The systemd unit of the agent. What each line is for:
 *
 * - `Type=notify` + `WatchdogSec=60`: the agent says READY=1 once it runs, and WATCHDOG=1 only while polls
 *   succeed (the Buildkite pattern: a hung agent is restarted, a merely idle one is not).
 *   `NotifyAccess=all`: the notifications are sent by `systemd-notify`, a child of the agent (Node has no unix
 *   datagram sockets; see src/agent/systemd/notify.ts).
 * - `Restart=always` (RestartSec=5, no start limit), except `RestartPreventExitStatus=78`: a configuration error
 *   does not heal by restarting, so systemd stops and the journal shows why.
 * - `KillMode=mixed` and `TimeoutStopSec` = drain timeout + 30 s: stop sends SIGTERM to the agent only, which
 *   drains (no new work, running actions finish); whatever is left after that gets SIGKILL with the whole cgroup.
 * - Hardening that no remediation needs: no new privileges (no sudo, no setuid binaries), kernel tunables, modules,
 *   logs, clock, hostname and cgroups read-only, no realtime, no SUID/SGID files, no new namespaces, native system
 *   calls, and only unix/IP/netlink sockets. A non-root agent also gets an empty capability bounding set. The file
 *   system is NOT made read-only (ProtectSystem/ProtectHome): runbooks exist to repair the system within their
 *   user's permissions. Add such options with a drop-in (`systemctl edit neptune-agent`) where they fit
 *   (docs/decisions/0502-agent-systemd-hardening.md).
 */

export const UNIT_NAME = 'neptune-agent.service';

export interface UnitOptions {
  /** The full command line: the neptune executable (absolute) and its arguments. */
  execStart: string[];
  user: string;
  group: string;
  stateDir: string;
  watchdogSec?: number;
  drainTimeoutSec?: number;
}

/** Quotes one word of a systemd command line (systemd.syntax(7), systemd.service(5) "Command lines"). */
export function quoteExecArg(arg: string): string {
  // % starts a specifier and $ a variable: both are doubled to mean themselves.
  const escaped = arg.replaceAll('%', '%%').replaceAll('$', '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

export function renderUnit(options: UnitOptions): string {
  const watchdogSec = options.watchdogSec ?? 60;
  const drainTimeoutSec = options.drainTimeoutSec ?? 600;
  const [binary] = options.execStart;
  if (!binary?.startsWith('/')) throw new Error(`ExecStart needs an absolute path, got ${binary}`);
  const root = options.user === 'root';
  const lines = [
    '# Installed by `neptune agent install`; `neptune agent uninstall` removes it.',
    '# Local changes belong in a drop-in: systemctl edit neptune-agent',
    '[Unit]',
    'Description=neptune agent: runs signed remediation runbooks (outbound HTTPS only)',
    'Wants=network-online.target',
    'After=network-online.target',
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    'Type=notify',
    'NotifyAccess=all',
    `ExecStart=${options.execStart.map(quoteExecArg).join(' ')}`,
    `User=${options.user}`,
    `Group=${options.group}`,
    `WorkingDirectory=${quoteExecArg(options.stateDir)}`,
    `WatchdogSec=${watchdogSec}`,
    'Restart=always',
    'RestartSec=5',
    'RestartPreventExitStatus=78',
    'KillMode=mixed',
    `TimeoutStopSec=${drainTimeoutSec + 30}`,
    'UMask=0077',
    'NoNewPrivileges=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'RestrictNamespaces=yes',
    'LockPersonality=yes',
    'SystemCallArchitectures=native',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    ...(root ? [] : ['CapabilityBoundingSet=', 'AmbientCapabilities=']),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return lines.join('\n');
}
