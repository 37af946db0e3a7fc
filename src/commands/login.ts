import { Flags } from '@oclif/core';
import { commandSession, sessionFlags } from '../client/flags';
import { NeptuneCommand } from '../core/command';
import { usageError } from '../core/errors';

export default class Login extends NeptuneCommand {
  static override summary = 'Log in to a neptune server (device code, or a key on stdin).';
  static override description =
    `Without flags, starts the device login (RFC 8628): it prints a URL and a code; approve the code in a
browser on the server's /device page, or from a CLI that is already logged in with: neptune login --approve CODE.
With --with-token, reads an API key (nep_…) or an invitation token (nepi_…) from stdin; never pass it as an argument.
The key is kept in the OS keychain, or in a 0600 file when there is none. Refused while NEPTUNE_TOKEN is set.`;
  static override examples = [
    '<%= config.bin %> login --api-url https://neptune.example.com:8443 --ca-file ca.pem',
    '<%= config.bin %> login --api-url https://127.0.0.1:8443 --ca-file data/tls/ca.pem --with-token < key.txt',
    '<%= config.bin %> login --approve BCDF-GHJK',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...sessionFlags,
    'with-token': Flags.boolean({ description: 'Read an API key or invitation token from stdin.' }),
    approve: Flags.string({
      description: 'Approve the login of another device by its code, as the user logged in here.',
      exclusive: ['with-token'],
    }),
  };

  async run(): Promise<object> {
    const { flags } = await this.parse(Login);
    const session = await commandSession(flags, this.output, this.config.version);
    const login = await import('../client/login');
    if (flags.approve) {
      const result = await login.approveDevice(session, flags.approve);
      this.output.info(`approved: ${result.clientName} is now logged in`);
      return result;
    }
    const target = login.loginTarget(session, { apiUrl: flags['api-url'], caFile: flags['ca-file'] });
    let result: Awaited<ReturnType<typeof login.loginWithToken>>;
    if (flags['with-token']) {
      if (process.stdin.isTTY) this.output.info('paste the API key, then press Enter and Ctrl-D');
      const input = await readStdin();
      if (!input.trim()) {
        throw usageError('LOGIN_NO_TOKEN', '--with-token read nothing from stdin', {
          hint: 'pipe the key in: neptune login --with-token < key.txt',
        });
      }
      result = await login.loginWithToken(session, target, input);
    } else {
      result = await login.deviceLogin(session, target, {
        prompt: ({ verificationUriComplete, userCode, expiresIn }) => {
          // The code is the one thing the user must see, even under --quiet.
          this.output.stderr.write(
            `To log in, open ${verificationUriComplete}\nand approve the code ${userCode} ` +
              `(or run: neptune login --approve ${userCode} where you are logged in).\n` +
              `Waiting up to ${Math.round(expiresIn / 60)} minutes…\n`,
          );
        },
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        now: () => Date.now(),
      });
    }
    this.output.info(
      `logged in to ${result.apiUrl} as ${result.user} (${result.role}) of ${result.account}; ` +
        `profile ${result.profile}, key kept in the ${result.storedIn === 'keychain' ? 'OS keychain' : 'credentials file'}`,
    );
    return result;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > 4096) {
      throw usageError('LOGIN_BAD_TOKEN', 'stdin holds more than a key', {
        hint: 'pipe exactly one key: neptune login --with-token < key.txt',
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
