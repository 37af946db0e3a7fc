/** PagerDuty v3 webhook signatures: `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the raw body>[,v1=…]`. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function pagerDutySignatureValid(
  rawBody: string,
  header: string | undefined,
  secret: string,
): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(rawBody, 'utf8').digest();
  for (const part of header.split(',')) {
    const m = /^\s*v1=([0-9a-f]{64})\s*$/i.exec(part);
    if (!m?.[1]) continue;
    const given = Buffer.from(m[1], 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  }
  return false;
}

export function signPagerDuty(rawBody: string, secret: string): string {
  return `v1=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}
