import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';

export default class AgentEnroll extends NeptuneCommand {
  static override summary = 'Enroll this host: create the agent key and register with an enrollment token.';
  static override description =
    `Creates the agent's Ed25519 key in the state dir (0600; it never leaves the host), sends
the host facts (hostname, OS, arch, addresses, AWS instance id and region from IMDSv2 with a 1 s limit, agent
version) with the enrollment token from \`neptune hosts token create\`, and stores the identity. Pass the token
in NEPTUNE_AGENT_ENROLL_TOKEN to keep it out of the process list. Without a trust file for signed runbooks the
agent runs unsigned runbooks only when enrolled with --allow-unsigned.`;
  static override examples = [
    'NEPTUNE_AGENT_ENROLL_TOKEN=nepe_… <%= config.bin %> agent enroll --api-url https://neptune.example.com',
    '<%= config.bin %> agent enroll --api-url https://10.0.0.5:8443 --ca-file ca.pem --token nepe_… --tags web,eu',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    'api-url': Flags.string({
      description: 'the neptune server (https://…)',
      env: 'NEPTUNE_API_URL',
      required: true,
    }),
    token: Flags.string({
      description: 'the enrollment token (nepe_…)',
      env: 'NEPTUNE_AGENT_ENROLL_TOKEN',
      required: true,
    }),
    'ca-file': Flags.string({
      description: 'PEM file of a CA to trust (e.g. the one server init made)',
      env: 'NEPTUNE_CA_FILE',
    }),
    'state-dir': Flags.string({
      description: 'the agent state dir',
      env: 'NEPTUNE_STATE_DIR',
      default: '/var/lib/neptune',
    }),
    hostname: Flags.string({ description: 'name to register (default: the OS hostname)' }),
    tags: Flags.string({ description: 'tags to register, comma-separated (a,b)' }),
    'allow-unsigned': Flags.boolean({
      description: 'run unsigned runbooks (otherwise only signed ones, checked against the trust file)',
    }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(AgentEnroll);
    const { loadAgentConfig } = await import('../../agent/config');
    const { enroll } = await import('../../agent/enroll');
    const { settings } = await loadAgentConfig({
      flags: {
        apiUrl: flags['api-url'],
        caFile: flags['ca-file'],
        stateDir: flags['state-dir'],
        hostname: flags.hostname,
        tags: flags.tags,
      },
    });
    const identity = await enroll({
      apiUrl: settings.apiUrl!,
      token: flags.token,
      caFile: settings.caFile,
      stateDir: settings.stateDir,
      hostname: settings.hostname,
      tags: settings.tags,
      allowUnsigned: flags['allow-unsigned'],
      version: this.config.version,
    });
    if (!this.jsonEnabled()) {
      this.output.line(`enrolled ${identity.hostname} as agent ${identity.agentId}`);
      this.output.info(
        `state in ${settings.stateDir}; ${identity.allowUnsigned ? 'runs unsigned runbooks (--allow-unsigned)' : 'runs signed runbooks only'}; start it with neptune agent start --state-dir ${settings.stateDir}`,
      );
    }
    return identity;
  }
}
