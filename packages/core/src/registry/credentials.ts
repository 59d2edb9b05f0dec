/**
 * Where registry credentials come from, in order: explicit flags, BULWARK_USERNAME /
 * BULWARK_PASSWORD, then the Docker client config (`$DOCKER_CONFIG/config.json` or
 * `~/.docker/config.json`): `credHelpers`/`credsStore` run `docker-credential-<name> get`,
 * else `auths` entries (`auth` base64 or username/password). Anonymous when none applies.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for messages (never the secret). */
  source: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

function dockerConfig(env: NodeJS.ProcessEnv): DockerConfig | undefined {
  const dir = env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker');
  try {
    return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
}

/** Keys Docker uses for a registry in `auths` (Hub has historical spellings). */
function keysFor(registry: string): string[] {
  if (registry === 'docker.io') return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

function fromHelper(helper: string, registry: string): Credentials | undefined {
  const server = registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
  const r = spawnSync(`docker-credential-${helper}`, ['get'], { input: server, encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 || !r.stdout) return undefined;
  try {
    const out = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
    return out.Secret ? { username: out.Username ?? '', password: out.Secret, source: `docker-credential-${helper}` } : undefined;
  } catch {
    return undefined;
  }
}

export function resolveCredentials(registry: string, flags: { username?: string; password?: string }, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  if (flags.username !== undefined || flags.password !== undefined) return { username: flags.username ?? '', password: flags.password ?? '', source: '--username/--password' };
  if (env.BULWARK_USERNAME !== undefined || env.BULWARK_PASSWORD !== undefined) return { username: env.BULWARK_USERNAME ?? '', password: env.BULWARK_PASSWORD ?? '', source: 'BULWARK_USERNAME/BULWARK_PASSWORD' };
  const config = dockerConfig(env);
  if (!config) return undefined;
  const helper = keysFor(registry).map((k) => config.credHelpers?.[k]).find(Boolean) ?? config.credsStore;
  if (helper) {
    const fromStore = fromHelper(helper, registry);
    if (fromStore) return fromStore;
  }
  for (const key of keysFor(registry)) {
    const entry = config.auths?.[key];
    if (!entry) continue;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: 'docker config.json' };
    }
    if (entry.username && entry.password) return { username: entry.username, password: entry.password, source: 'docker config.json' };
  }
  return undefined;
}
