/**
 * `neptune agent start`, the one implementation: its flags (a plain table, without oclif), the strict argv parser
 * of the agent bundle (src/agent/main.ts, decision 0505), and the run itself. The oclif command
 * (src/commands/agent/start.ts) builds its flags from the same table and calls the same `runAgentStart`, so both
 * paths read the same settings and fail with the same errors from src/core/errors.ts.
 */

interface FlagSpec {
  description: string;
  /** oclif reads this variable when the flag is absent (and non-empty). */
  env?: string;
}

/** The flags of `agent start` (besides the global --debug, --[no-]color, --quiet). */
export const AGENT_START_FLAGS = {
  'state-dir': { description: 'the agent state dir (default /var/lib/neptune)' },
  'api-url': { description: 'override the server URL stored at enrollment' },
  'ca-file': { description: 'PEM file of a CA to trust' },
  concurrency: { description: 'actions at once (default 4)' },
  'output-cap': { description: 'output kept per action (default 16MiB)' },
  'kill-grace': { description: 'SIGTERM → SIGKILL grace (default 10s)' },
  'drain-timeout': { description: 'how long the first SIGTERM waits for running actions (default 10m)' },
  'trust-file': { description: 'runbook signing keys (default /etc/neptune/trust.jwks)' },
  config: {
    description: 'the YAML config file (default /etc/neptune/agent.yaml)',
    env: 'NEPTUNE_AGENT_CONFIG',
  },
  'legacy-config': { description: "the original agent's neptune-agent.json, read for migration" },
} as const satisfies Record<string, FlagSpec>;

export type AgentStartFlags = { [K in keyof typeof AGENT_START_FLAGS]?: string | undefined };

export interface ParsedAgentStart {
  flags: AgentStartFlags;
  debug: boolean;
  quiet: boolean;
  noColor: boolean;
}

/** The global switches by argv word, and the flag each one sets (--color and --no-color are one flag to oclif). */
const BOOLEANS: Record<string, 'debug' | 'quiet' | 'color'> = {
  '--debug': 'debug',
  '--quiet': 'quiet',
  '-q': 'quiet',
  '--color': 'color',
  '--no-color': 'color',
};

/**
 * The argv after `agent start` as oclif would read it, or undefined when oclif should parse (and judge) it: help,
 * arguments, unknown, repeated or empty flags, values that look like flags, `--`. Only argv that cannot fail to
 * parse is answered here, so every parse error comes from oclif itself (the launcher then loads the full CLI).
 */
export function parseAgentStart(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ParsedAgentStart | undefined {
  const flags: Record<string, string> = {};
  const switches = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const boolean = BOOLEANS[arg];
    if (boolean) {
      if (switches.has(boolean)) return undefined;
      switches.set(boolean, arg);
      continue;
    }
    if (!arg.startsWith('--')) return undefined;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!Object.hasOwn(AGENT_START_FLAGS, name) || Object.hasOwn(flags, name)) return undefined;
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    flags[name] = value;
  }
  for (const [name, spec] of Object.entries(AGENT_START_FLAGS) as [string, FlagSpec][]) {
    if (spec.env && flags[name] === undefined && env[spec.env]) flags[name] = env[spec.env]!;
  }
  const debug = switches.has('debug') || env.NEPTUNE_DEBUG === '1';
  return { flags, debug, quiet: switches.has('quiet'), noColor: switches.get('color') === '--no-color' };
}

/** Runs the agent until it stops; resolves with the exit code. Errors are the caller's to render. */
export async function runAgentStart(flags: AgentStartFlags, options: { version: string }): Promise<number> {
  // Before anything else runs: start-up's hot loops (config, YAML, recovery) would otherwise wake Maglev and
  // TurboFan, whose code then stays mapped into the daemon (~2 MiB of the executable; decision 0506).
  const { leanRuntime } = await import('./memory');
  const runtime = leanRuntime();
  const { loadAgentConfig } = await import('./config');
  const { jsonLogger, startDaemon } = await import('./daemon');
  const loaded = await loadAgentConfig({
    flags: {
      stateDir: flags['state-dir'],
      apiUrl: flags['api-url'],
      caFile: flags['ca-file'],
      concurrency: flags.concurrency,
      outputCapBytes: flags['output-cap'],
      killGraceMs: flags['kill-grace'],
      drainTimeoutMs: flags['drain-timeout'],
      trustFile: flags['trust-file'],
    },
    ...(flags.config ? { configFile: flags.config } : {}),
    ...(flags['legacy-config'] ? { legacyFile: flags['legacy-config'] } : {}),
  });
  const log = jsonLogger(process.stderr, loaded.settings.debug);
  for (const note of loaded.notes) log.warn(note);
  // The CLI's SIGINT handler exits at once (src/main.ts); the agent drains on SIGINT as on SIGTERM instead.
  process.removeAllListeners('SIGINT');
  const daemon = await startDaemon({
    settings: loaded.settings,
    version: options.version,
    log,
    handleSignals: true,
    onIdle: () => runtime.idle(),
  });
  return daemon.done;
}
