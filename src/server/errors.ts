/**
 * Errors the API answers with: `{error: {code, message, requestId}}` and a proper HTTP status. Anything that is
 * not an ApiError or one of fastify's client errors is a bug: logged, and answered as a bare 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, for 429 and 503. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

// fastify's own client errors, by code, with a stable API code each.
const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'API_BODY_TOO_LARGE'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'API_UNSUPPORTED_MEDIA_TYPE'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'API_INVALID_CONTENT_LENGTH'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'API_INVALID_JSON'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'API_INVALID_JSON'],
  FST_ERR_CTP_INVALID_TYPE: [400, 'API_INVALID_CONTENT_TYPE'],
  FST_ERR_BAD_URL: [400, 'API_BAD_URL'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'API_BAD_REQUEST'],
};

function errorBody(code: string, message: string, requestId: string) {
  return { error: { code, message, requestId } };
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.retryAfter !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  return reply
    .code(error.status)
    .type('application/json')
    .send(errorBody(error.code, error.message, reply.request.id));
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ApiError) return sendError(reply, error);
  if (error.validation) {
    return sendError(reply, new ApiError(400, 'API_INVALID_REQUEST', `${error.message}`));
  }
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) return sendError(reply, new ApiError(known[0], known[1], error.message));
  if (error instanceof SyntaxError)
    return sendError(reply, new ApiError(400, 'API_INVALID_JSON', 'body is not valid JSON'));
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return sendError(reply, new ApiError(status, 'API_BAD_REQUEST', error.message));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(
    reply,
    new ApiError(500, 'API_INTERNAL', 'internal error; the request id is in the server log'),
  );
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return sendError(
    reply,
    new ApiError(
      404,
      'API_NOT_FOUND',
      `no route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`,
    ),
  );
}
