import { describe, expect, it } from 'vitest';
import { IMAGE_CONFIG_CHECKS, type BuiltImage } from '../src/misconfig/image/image-config-checks.js';

const run = (img: BuiltImage): string[] => IMAGE_CONFIG_CHECKS.flatMap((c) => c.run(img, {}).map(() => c.id));
const hardened: BuiltImage = { config: { config: { User: '65532:65532', Env: ['PATH=/bin', 'DB_PASSWORD_FILE=/run/secrets/db'], ExposedPorts: { '8080/tcp': {} }, Healthcheck: { Test: ['CMD', '/health'] } } }, setidFiles: [] };

describe('image config checks', () => {
  it('a hardened image passes every check', () => {
    expect(run(hardened)).toEqual([]);
  });
  it.each([
    ['image-runs-as-root', { ...hardened, config: { config: { ...hardened.config.config, User: 'root' } } }],
    ['image-runs-as-root', { ...hardened, config: { config: { ...hardened.config.config, User: '' } } }],
    ['image-no-healthcheck', { ...hardened, config: { config: { ...hardened.config.config, Healthcheck: { Test: ['NONE'] } } } }],
    ['image-sensitive-port', { ...hardened, config: { config: { ...hardened.config.config, ExposedPorts: { '2375/tcp': {} } } } }],
    ['image-secret-in-env', { ...hardened, config: { config: { ...hardened.config.config, Env: ['GITHUB_TOKEN=ghp_x'] } } }],
    ['image-setuid-files', { ...hardened, setidFiles: [{ path: 'usr/bin/su', mode: 0o4755, layer: 0 }] }],
  ] as [string, BuiltImage][])('%s fails on the variant', (id, img) => {
    expect(run(img)).toEqual([id]);
  });
});
