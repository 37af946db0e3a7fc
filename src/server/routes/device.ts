/**
 * Interactive login, the OAuth 2.0 device authorization grant (RFC 8628): the CLI asks for a device code, the user
 * approves its user code in a browser (the page below) or from a logged-in CLI, and the CLI's polling gets a new
 * API key. All state is in the store, so any replica can answer any step.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DeviceApproveRequest, DeviceCodeRequest, DeviceTokenRequest } from '../../api/schemas';
import type { Role } from '../../api/scopes';
import { authenticate, requireScope } from '../auth';
import { callerOf, type Handler, type ServerContext } from '../context';
import { ApiError, sendError } from '../errors';
import { issueKey } from '../keys';
import { hashSecret, newDeviceCode, newUserCode, normalizeUserCode } from '../tokens';
import { LOGIN_SCOPE } from './session';

export const DEVICE_CODE_LIFETIME_S = 600;
export const DEVICE_POLL_INTERVAL_S = 5;

export const deviceCode: Handler = async (input, ctx) => {
  const body = input.body as DeviceCodeRequest;
  await ctx.throttle.deviceCode(input.request.ip);
  const now = ctx.now();
  const device = newDeviceCode();
  const userCode = newUserCode();
  await ctx.store.insertDevice({
    id: randomUUID(),
    device_hash: device.hash,
    user_code: userCode,
    client_name: body.client_name ?? 'neptune CLI',
    status: 'pending',
    account_id: null,
    user_id: null,
    interval_seconds: DEVICE_POLL_INTERVAL_S,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + DEVICE_CODE_LIFETIME_S * 1000).toISOString(),
    last_polled_at: null,
  });
  if (Math.random() < 0.01) await ctx.store.purgeDevices(now.toISOString());
  const base = `https://${input.request.host}`;
  return {
    device_code: device.secret,
    user_code: userCode,
    verification_uri: `${base}/device`,
    verification_uri_complete: `${base}/device?user_code=${encodeURIComponent(userCode)}`,
    expires_in: DEVICE_CODE_LIFETIME_S,
    interval: DEVICE_POLL_INTERVAL_S,
  };
};

export const deviceToken: Handler = async (input, ctx) => {
  const body = input.body as DeviceTokenRequest;
  const address = input.request.ip;
  await ctx.throttle.checkFailures(address);
  const device = await ctx.store.deviceByHash(hashSecret(body.device_code));
  if (!device || device.status === 'consumed') {
    await ctx.throttle.recordFailure(address);
    throw new ApiError(
      400,
      'DEVICE_INVALID_GRANT',
      'unknown or already used device code; start the login again',
    );
  }
  const now = ctx.now();
  if (device.expires_at <= now.toISOString()) {
    throw new ApiError(400, 'DEVICE_EXPIRED_TOKEN', 'the device code has expired; start the login again');
  }
  // RFC 8628 §3.5: a client polling faster than the interval is told to slow down, and the interval grows by 5 s.
  if (
    device.last_polled_at &&
    now.getTime() - Date.parse(device.last_polled_at) < device.interval_seconds * 1000
  ) {
    await ctx.store.markPolled(device.id, now.toISOString(), device.interval_seconds + 5);
    throw new ApiError(
      400,
      'DEVICE_SLOW_DOWN',
      `poll no more often than every ${device.interval_seconds + 5} s`,
    );
  }
  await ctx.store.markPolled(device.id, now.toISOString(), device.interval_seconds);
  if (device.status === 'pending') {
    throw new ApiError(400, 'DEVICE_AUTHORIZATION_PENDING', 'waiting for the user to approve the code');
  }
  if (device.status === 'denied')
    throw new ApiError(400, 'DEVICE_ACCESS_DENIED', 'the user denied the login');
  const created = await ctx.store.transaction(async (store) => {
    if (!(await store.consumeDevice(device.id))) {
      throw new ApiError(400, 'DEVICE_INVALID_GRANT', 'the device code has already been used');
    }
    const user = await store.db
      .selectFrom('users')
      .select(['id', 'email', 'role', 'status', 'account_id'])
      .where('id', '=', device.user_id ?? '')
      .where('account_id', '=', device.account_id ?? '')
      .executeTakeFirst();
    if (!user || user.status !== 'active')
      throw new ApiError(400, 'DEVICE_ACCESS_DENIED', 'the approving user is gone');
    return issueKey(store, {
      accountId: user.account_id,
      userId: user.id,
      userEmail: user.email,
      name: `login: ${device.client_name}`,
      scopes: [LOGIN_SCOPE[user.role as Role]],
      origin: 'login',
      now,
    });
  });
  await ctx.audit.record({
    accountId: device.account_id ?? '',
    actor: created.apiKey.userEmail,
    action: 'session.login',
    target: created.apiKey.id,
    details: { method: 'device', client: device.client_name },
  });
  return {
    access_token: created.secret,
    token_type: 'Bearer',
    expires_in: Math.round((Date.parse(created.apiKey.expiresAt) - now.getTime()) / 1000),
    scope: created.apiKey.scopes.join(' '),
  };
};

/** Shared by the API endpoint and the browser page. */
async function decide(
  ctx: ServerContext,
  address: string,
  caller: { accountId: string; userId: string; email: string },
  rawCode: string,
  decision: 'approve' | 'deny',
): Promise<{ decision: 'approve' | 'deny'; clientName: string }> {
  await ctx.throttle.checkFailures(address);
  const code = normalizeUserCode(rawCode);
  const device = code ? await ctx.store.deviceByUserCode(code) : undefined;
  const now = ctx.now().toISOString();
  if (!device || device.status !== 'pending' || device.expires_at <= now) {
    await ctx.throttle.recordFailure(address);
    throw new ApiError(
      404,
      'DEVICE_UNKNOWN_CODE',
      'no pending login with this code; check it, or start the login again',
    );
  }
  const ok = await ctx.store.decideDevice(
    device.id,
    decision === 'approve' ? 'approved' : 'denied',
    caller.accountId,
    caller.userId,
  );
  if (!ok) throw new ApiError(404, 'DEVICE_UNKNOWN_CODE', 'this login was already decided');
  await ctx.audit.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: decision === 'approve' ? 'session.device_approve' : 'session.device_deny',
    target: device.id,
    details: { client: device.client_name },
  });
  return { decision, clientName: device.client_name };
}

export const deviceApprove: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  const body = input.body as DeviceApproveRequest;
  return decide(ctx, input.request.ip, caller, body.userCode, body.decision ?? 'approve');
};

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>neptune: approve a login</title><style>body{font:16px system-ui,sans-serif;max-width:32em;margin:3em auto;padding:0 1em}
label{display:block;margin:1em 0 .3em}input{font:inherit;width:100%;padding:.4em}button{font:inherit;margin:1em .5em 0 0;padding:.4em 1em}
.code{font-family:monospace;letter-spacing:.1em}</style></head><body>${body}</body></html>`;
}

function form(userCode: string, message = ''): string {
  return page(`<h1>Approve a neptune login</h1>
<p>A device asked to log in to your account. Approve it only if you started that login and the code matches the one it shows.</p>
${message ? `<p><strong>${escapeHtml(message)}</strong></p>` : ''}
<form method="post" action="/device">
<label for="user_code">Code shown by the device</label><input id="user_code" name="user_code" class="code" required maxlength="20" value="${escapeHtml(userCode)}" autocomplete="off">
<label for="api_key">Your API key (it is sent to this server only, and is not stored by the page)</label><input id="api_key" name="api_key" type="password" required maxlength="100" autocomplete="off">
<button name="decision" value="approve">Approve</button><button name="decision" value="deny">Deny</button>
</form>`);
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

/** The verification page (GET shows the form, POST decides), in its own scope with a form-body parser. */
export async function devicePage(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.get('/device', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const userCode = typeof query.user_code === 'string' ? query.user_code : '';
    return reply.headers(PAGE_HEADERS).send(form(userCode));
  });
  app.post('/device', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const userCode = typeof body.user_code === 'string' ? body.user_code : '';
    const apiKey = typeof body.api_key === 'string' ? body.api_key : '';
    const decision = body.decision === 'deny' ? 'deny' : 'approve';
    try {
      request.headers.authorization = `Bearer ${apiKey}`;
      const caller = await authenticate(request, ctx);
      requireScope(caller, 'read');
      const result = await decide(ctx, request.ip, caller, userCode, decision);
      const text =
        result.decision === 'approve'
          ? `Approved: ${result.clientName} is now logged in as ${caller.email}. You can close this page.`
          : 'Denied: the device was not logged in.';
      return reply.headers(PAGE_HEADERS).send(page(`<h1>neptune</h1><p>${escapeHtml(text)}</p>`));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 429) return sendError(reply, error);
      return reply.code(error.status).headers(PAGE_HEADERS).send(form(userCode, error.message));
    }
  });
}
