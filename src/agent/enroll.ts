/**
 * `neptune agent enroll`: creates the agent's Ed25519 key on the host (0600, never sent), registers the host facts
 * with an enrollment token and stores the identity in the state dir. A host that is already enrolled is refused
 * (exit 78): re-enrolling must not silently change an identity.
 */
import { stat } from 'node:fs/promises';
import { configError } from '../core/errors';
import type { AgentIdentity } from './daemon';
import { writeDurable } from './durable';
import { hostFacts } from './host';
import { AgentKey } from './identity';
import { prepareStateDir, readJsonFile } from './state';
import { enrollAgent } from './transport';

export interface EnrollOptions {
  apiUrl: string;
  token: string;
  caFile?: string;
  stateDir: string;
  hostname?: string;
  tags: string[];
  allowUnsigned: boolean;
  version: string;
  env?: NodeJS.ProcessEnv;
}

export async function enroll(options: EnrollOptions): Promise<AgentIdentity> {
  const env = options.env ?? process.env;
  const paths = await prepareStateDir(options.stateDir);
  if (await readJsonFile(paths.identity)) {
    throw configError('AGENT_ALREADY_ENROLLED', `${paths.root} already holds an enrolled agent`, {
      hint: 'to enroll again, remove the state dir first (neptune agent uninstall --purge), or use another --state-dir',
    });
  }
  // A key left by an enrollment that failed half-way is reused; it was never sent anywhere.
  const exists = await stat(paths.key).then(
    () => true,
    () => false,
  );
  const key = exists ? await AgentKey.load(paths.key) : await AgentKey.create(paths.key);
  const host = await hostFacts({
    agentVersion: options.version,
    hostname: options.hostname,
    ...(env.NEPTUNE_AGENT_IMDS === 'off' ? { imdsLimitMs: 1, imdsUrl: 'http://127.0.0.1:9' } : {}),
  });
  const response = await enrollAgent(
    { apiUrl: options.apiUrl, caFile: options.caFile, env, version: options.version },
    {
      token: options.token,
      publicKey: key.publicJwk(),
      host,
      tags: options.tags,
      ...(options.allowUnsigned ? { allowUnsigned: true } : {}),
    },
  );
  const identity: AgentIdentity = {
    agentId: response.agentId,
    accountId: response.accountId,
    apiUrl: options.apiUrl,
    hostname: host.hostname,
    enrolledAt: new Date().toISOString(),
    ...(options.caFile ? { caFile: options.caFile } : {}),
    allowUnsigned: options.allowUnsigned,
    tags: options.tags,
  };
  await writeDurable(paths.identity, `${JSON.stringify(identity, null, 2)}\n`);
  return identity;
}
