/** Actions: `neptune run` creates one per host; list, show, output and cancel. */
import type { CreateRunRequest } from '../../api/dispatch';
import { callerOf, type Handler } from '../context';
import { dispatchOf } from '../dispatch/dispatch';

export const createRun: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  return {
    actions: await dispatchOf(ctx.store).createRun(
      caller.accountId,
      caller.email,
      input.body as CreateRunRequest,
    ),
  };
};

export const listActions: Handler = async (input, ctx) => ({
  actions: await dispatchOf(ctx.store).actions(callerOf(input).accountId),
});

export const showAction: Handler = async (input, ctx) =>
  dispatchOf(ctx.store).action(callerOf(input).accountId, input.params.id ?? '');

export const actionOutput: Handler = async (input, ctx) =>
  dispatchOf(ctx.store).actionOutput(
    callerOf(input).accountId,
    input.params.id ?? '',
    Number(input.params.after),
  );

export const cancelAction: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  return {
    action: await dispatchOf(ctx.store).cancel(caller.accountId, caller.email, input.params.id ?? ''),
  };
};
