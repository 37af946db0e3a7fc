/** Hosts: enrollment tokens and the enrolled agents of the account. */
import type { CreateEnrollmentTokenRequest } from '../../api/dispatch';
import { callerOf, type Handler } from '../context';
import { dispatchOf } from '../dispatch/dispatch';

export const createEnrollmentToken: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  return dispatchOf(ctx.store).createEnrollmentToken(
    caller.accountId,
    caller.email,
    input.body as CreateEnrollmentTokenRequest,
  );
};

export const listHosts: Handler = async (input, ctx) => ({
  hosts: await dispatchOf(ctx.store).hosts(callerOf(input).accountId),
});

export const revokeHost: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  return {
    hosts: await dispatchOf(ctx.store).revokeHost(caller.accountId, caller.email, input.params.id ?? ''),
  };
};

export const showHost: Handler = async (input, ctx) =>
  dispatchOf(ctx.store).host(callerOf(input).accountId, input.params.id ?? '');
