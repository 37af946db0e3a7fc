/**
 * Per-account settings (decision 0804). One so far: `lintProfile`, the lint profile `runbook push` is checked
 * under; an account that has not chosen one gets the server's default (`safety`).
 */
import { isProfileName, type ProfileName } from '../../runbook/profiles';
import { callerOf } from '../context';
import type { RemedContext, RemedHandler } from './remed-context';

export const LINT_PROFILE_SETTING = 'lint-profile';

/** The profile an account's pushes are linted under, and whether the account chose it. */
export async function lintProfileOf(
  ctx: RemedContext,
  accountId: string,
): Promise<{ profile: ProfileName; source: 'account' | 'default' }> {
  const chosen = await ctx.remed.setting(accountId, LINT_PROFILE_SETTING);
  if (chosen && isProfileName(chosen)) return { profile: chosen, source: 'account' };
  return { profile: isProfileName(ctx.lintProfile) ? ctx.lintProfile : 'safety', source: 'default' };
}

const view = async (ctx: RemedContext, accountId: string) => {
  const lint = await lintProfileOf(ctx, accountId);
  return { lintProfile: lint.profile, sources: { lintProfile: lint.source } };
};

export const getSettings: RemedHandler = async (input, ctx) => view(ctx, callerOf(input).accountId);

export const setSettings: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const { lintProfile } = input.body as { lintProfile: ProfileName };
  const before = await lintProfileOf(ctx, caller.accountId);
  await ctx.remed.putSetting(
    caller.accountId,
    LINT_PROFILE_SETTING,
    lintProfile,
    caller.email,
    ctx.now().toISOString(),
  );
  await ctx.auditService.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: 'settings.changed',
    target: `setting:${LINT_PROFILE_SETTING}`,
    details: { from: before.profile, to: lintProfile },
  });
  return view(ctx, caller.accountId);
};
