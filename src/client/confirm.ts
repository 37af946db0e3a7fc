/**
 * Confirmation of destructive commands (cli-conventions #8, #9): on a terminal the user types the name of what goes;
 * otherwise (no TTY, CI, --no-input) the command needs --yes and says so with exit 64. Never blocks on a prompt.
 */
import { createInterface } from 'node:readline/promises';
import { usageError } from '../core/errors';

export async function confirm(
  what: string,
  name: string,
  yes: boolean | undefined,
  command: string,
): Promise<void> {
  if (yes) return;
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY) && !process.env.CI;
  if (!interactive) {
    throw usageError(
      'CONFIRM_REQUIRED',
      `${command} needs --yes when not run on a terminal (it will ${what})`,
      {
        hint: `add --yes to ${command} if you mean it`,
      },
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`This will ${what}. Type ${name} to confirm: `);
    if (answer.trim() !== name) throw usageError('CONFIRM_DECLINED', 'not confirmed; nothing was changed');
  } finally {
    rl.close();
  }
}
