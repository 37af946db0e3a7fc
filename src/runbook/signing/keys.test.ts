import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signingInput, signPayload } from './envelope';
import { generateSigningKey, parseJwks, parsePrivateKey, thumbprint } from './keys';

describe('keys', () => {
  it('RFC 8037 Appendix A.3: the thumbprint of the example Ed25519 key', () => {
    expect(thumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' })).toBe(
      'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
    );
  });

  it('a generated key round-trips: PEM private key, JWKS public key with the thumbprint as kid', () => {
    const { privatePem, jwks, kid } = generateSigningKey();
    const key = parsePrivateKey(privatePem, 'k');
    expect(key.kid).toBe(kid);
    const [trusted] = parseJwks(JSON.stringify(jwks), 'k.jwks');
    expect(trusted?.kid).toBe(kid);
    expect(kid).toBe(thumbprint(jwks.keys[0]!));
  });

  it('the signature is a standard compact JWS (EdDSA) once its parts are rebuilt', () => {
    const { privatePem, jwks } = generateSigningKey();
    const key = parsePrivateKey(privatePem, 'k');
    const payload = { b: 2, a: [1, 'x'] };
    const h = signPayload(payload, 'test+jcs', key);
    const [head, body] = signingInput(h, payload).toString().split('.');
    expect(JSON.parse(Buffer.from(head!, 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      kid: key.kid,
      typ: 'test+jcs',
    });
    expect(Buffer.from(body!, 'base64url').toString()).toBe('{"a":[1,"x"],"b":2}');
    const pub = createPublicKey({ key: { ...jwks.keys[0] }, format: 'jwk' });
    expect(verify(null, Buffer.from(`${head}.${body}`), pub, Buffer.from(h.sig, 'base64url'))).toBe(true);
  });

  it('refuses trust files that are not public Ed25519 JWKS', () => {
    const { privatePem, jwks } = generateSigningKey();
    const jwk = jwks.keys[0]!;
    const bad: [string, RegExp][] = [
      ['nope', /not JSON/],
      ['{}', /no "keys"/],
      [JSON.stringify({ keys: [{ ...jwk, d: 'secret' }] }), /private key/],
      [JSON.stringify({ keys: [{ ...jwk, crv: 'X25519' }] }), /not an Ed25519/],
      [JSON.stringify({ keys: [{ ...jwk, x: 'short' }] }), /32-byte/],
      [JSON.stringify({ keys: [{ ...jwk, kid: undefined }] }), /no "kid"/],
      [JSON.stringify({ keys: [jwk, jwk] }), /appears twice/],
      [JSON.stringify({ keys: [{ ...jwk, alg: 'RS256' }] }), /expected EdDSA/],
    ];
    for (const [text, message] of bad) expect(() => parseJwks(text, 't.jwks')).toThrow(message);
    expect(() => parsePrivateKey('junk', 'k')).toThrow(/not a PEM private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    expect(() => parsePrivateKey(rsa.toString(), 'k')).toThrow(/expected Ed25519/);
    expect(parsePrivateKey(privatePem, 'k').kid).toBe(jwk.kid);
  });
});
