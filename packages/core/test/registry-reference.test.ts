/**
 * Image references as users type them, and the registry's auth challenges, parsed the way
 * the Docker CLI and distribution read them.
 */
import { describe, expect, it } from 'vitest';
import { looksLikeReference, parseReference } from '../src/registry/reference.js';
import { parseChallenge } from '../src/registry/registry-client.js';
import { resolveCredentials } from '../src/registry/credentials.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseReference', () => {
  it.each([
    ['nginx', 'docker.io', 'registry-1.docker.io', 'library/nginx', 'latest', undefined],
    ['nginx:1.25', 'docker.io', 'registry-1.docker.io', 'library/nginx', '1.25', undefined],
    ['bitnami/redis:7', 'docker.io', 'registry-1.docker.io', 'bitnami/redis', '7', undefined],
    ['docker.io/library/alpine:3.19', 'docker.io', 'registry-1.docker.io', 'library/alpine', '3.19', undefined],
    ['index.docker.io/alpine', 'docker.io', 'registry-1.docker.io', 'library/alpine', 'latest', undefined],
    ['ghcr.io/org/team/app:v1.2.3', 'ghcr.io', 'ghcr.io', 'org/team/app', 'v1.2.3', undefined],
    ['localhost/app', 'localhost', 'localhost', 'app', 'latest', undefined],
    ['127.0.0.1:5000/lab/app', '127.0.0.1:5000', '127.0.0.1:5000', 'lab/app', 'latest', undefined],
    [`127.0.0.1:5000/lab/app@${DIGEST}`, '127.0.0.1:5000', '127.0.0.1:5000', 'lab/app', undefined, DIGEST],
    [`registry:5000/a/b:tag@${DIGEST}`, 'registry:5000', 'registry:5000', 'a/b', 'tag', DIGEST],
  ])('%s', (text, registry, apiHost, repository, tag, digest) => {
    const ref = parseReference(text);
    expect(ref).toMatchObject({ registry, apiHost, repository });
    expect(ref.tag).toBe(tag);
    expect(ref.digest).toBe(digest);
  });

  it('writes the canonical form', () => {
    expect(parseReference('nginx').canonical).toBe('docker.io/library/nginx:latest');
    expect(parseReference(`127.0.0.1:5000/a@${DIGEST}`).canonical).toBe(`127.0.0.1:5000/a@${DIGEST}`);
  });

  it.each(['', 'UPPER/case', 'app:bad tag', 'app@sha256:123', 'a//b', `app:${'x'.repeat(129)}`, 'x'.repeat(600)])('refuses %j', (text) => {
    expect(() => parseReference(text)).toThrow(/not an image reference/);
  });

  it('tells references from local paths', () => {
    expect(looksLikeReference('nginx:1.25')).toBe(true);
    expect(looksLikeReference('ghcr.io/org/app')).toBe(true);
    for (const path of ['./image.tar', '/tmp/x', 'image.tar', 'image.tar.gz', '../dir']) expect(looksLikeReference(path)).toBe(false);
  });
});

describe('parseChallenge', () => {
  it('reads bearer challenges with quoted parameters', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
    });
  });
  it('reads basic challenges', () => {
    expect(parseChallenge('Basic realm="lab"')).toEqual({ scheme: 'basic', params: { realm: 'lab' } });
  });
  it('stays linear on a hostile header', () => {
    const started = process.hrtime.bigint();
    parseChallenge(`Bearer ${'a='.repeat(50_000)}"${' '.repeat(50_000)}`);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });
});

describe('resolveCredentials', () => {
  it('prefers flags, then the environment', () => {
    expect(resolveCredentials('r.io', { username: 'u', password: 'p' }, {})).toMatchObject({ username: 'u', password: 'p', source: '--username/--password' });
    expect(resolveCredentials('r.io', {}, { BULWARK_USERNAME: 'e', BULWARK_PASSWORD: 'q' })).toMatchObject({ username: 'e', source: 'BULWARK_USERNAME/BULWARK_PASSWORD' });
    expect(resolveCredentials('r.io', {}, { HOME: '/nonexistent' })).toBeUndefined();
  });
});
