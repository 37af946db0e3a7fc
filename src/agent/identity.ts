/**
 * The agent's identity key: Ed25519, created on the host at enrollment, stored in `<state>/agent.key` (PKCS#8 PEM,
 * 0600) and never sent anywhere. It signs the client assertions that buy access tokens (RFC 7523, EdDSA JWS) and
 * the finish records, so the server cannot forge "host X ran Y".
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { AgentPublicKey, AssertionClaims, AssertionHeader, FinishRecord } from '../api/agent-protocol';
import { MAX_ASSERTION_LIFETIME_SECONDS } from '../api/agent-wire';
import { configError } from '../core/errors';
import { canonicalize } from '../core/jcs';
import { createExclusive } from './durable';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export class AgentKey {
  private constructor(readonly privateKey: KeyObject) {}

  /** Creates the key file; refuses to replace an existing one (re-enrolling must not silently change identity). */
  static async create(file: string): Promise<AgentKey> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    if (!(await createExclusive(file, pem))) {
      throw configError('AGENT_KEY_EXISTS', `${file} already exists`, {
        hint: 'this host is already enrolled; to enroll again, remove the state dir first (agent uninstall --purge)',
      });
    }
    return new AgentKey(privateKey);
  }

  /** Loads the key; a key file others can read is refused, like a credentials file. */
  static async load(file: string): Promise<AgentKey> {
    let pem: string;
    try {
      const info = await stat(file);
      if ((info.mode & 0o077) !== 0) {
        throw configError(
          'AGENT_KEY_MODE',
          `${file} is readable by others (mode ${(info.mode & 0o777).toString(8)})`,
          {
            hint: `chmod 600 ${file}`,
          },
        );
      }
      pem = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'AGENT_KEY_MODE') throw error;
      throw configError('AGENT_KEY_MISSING', `cannot read the agent key ${file}`, {
        hint: 'enroll this host first: neptune agent enroll',
        cause: error,
      });
    }
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') {
      throw configError('AGENT_KEY_TYPE', `${file} is not an Ed25519 key`, {
        hint: 'enroll this host again',
      });
    }
    return new AgentKey(key);
  }

  /** The public half as the JWK the server stores (RFC 8037). */
  publicJwk(): AgentPublicKey {
    const jwk = createPublicKey(this.privateKey).export({ format: 'jwk' }) as { x: string };
    return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  }

  /** A compact JWS (EdDSA) over the claims. */
  signJwt(header: AssertionHeader, claims: AssertionClaims): string {
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(sign(null, Buffer.from(input), this.privateKey))}`;
  }

  /** The client assertion for `POST /agent/v1/token`: short-lived, single-use (random jti). */
  assertion(agentId: string, audience: string, now = new Date(), lifetimeSeconds = 60): string {
    const iat = Math.floor(now.getTime() / 1000);
    const lifetime = Math.min(lifetimeSeconds, MAX_ASSERTION_LIFETIME_SECONDS);
    return this.signJwt(
      { alg: 'EdDSA', typ: 'JWT', kid: agentId },
      { iss: agentId, sub: agentId, aud: audience, iat, exp: iat + lifetime, jti: b64url(randomBytes(18)) },
    );
  }

  /** The agent signature of a finish record: Ed25519 over its JCS form, base64url. */
  signFinish(record: FinishRecord): string {
    return b64url(sign(null, Buffer.from(canonicalize(record)), this.privateKey));
  }
}
