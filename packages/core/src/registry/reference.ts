/**
 * Image references as users type them: `nginx` → docker.io/library/nginx:latest,
 * `ghcr.io/org/app:1.2`, `localhost:5000/app@sha256:…`, `registry:5000/a/b:tag@sha256:…`.
 * Docker Hub's API lives at registry-1.docker.io.
 */
import { BulwarkError } from '../model/errors.js';

export interface ImageReference {
  /** Registry host[:port] as written (docker.io for Docker Hub). */
  registry: string;
  /** Host the API is served from. */
  apiHost: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** The reference in full, normalised. */
  canonical: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function parseReference(text: string): ImageReference {
  const fail = (why: string): never => {
    throw new BulwarkError('USAGE', text, `not an image reference: ${why}`);
  };
  if (text.length === 0 || text.length > 512 || /\s/.test(text)) fail('empty, too long or contains spaces');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`'${digest}' is not a sha256 digest`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`'${tag}' is not a valid tag`);
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : 'docker.io';
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  let repository = (hasRegistry ? parts.slice(1) : parts).join('/');
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  for (const c of repository.split('/')) if (!COMPONENT.test(c)) fail(`'${c}' is not a valid repository name component`);
  if (!tag && !digest) tag = 'latest';
  const ref: ImageReference = { registry, apiHost: registry === 'docker.io' ? 'registry-1.docker.io' : registry, repository, canonical: `${registry}/${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}` };
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

/** Whether a command-line target reads as an image reference rather than a local path. */
export function looksLikeReference(text: string): boolean {
  if (text.startsWith('/') || text.startsWith('.') || text.endsWith('.tar') || text.endsWith('.tar.gz') || text.endsWith('.tgz')) return false;
  try {
    parseReference(text);
    return true;
  } catch {
    return false;
  }
}
