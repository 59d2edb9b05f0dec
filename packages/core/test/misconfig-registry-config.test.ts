/**
 * Distribution (`docker-registry`) config.yml checks: detection, one failing and one passing
 * case per check, and the config Debian's docker-registry package ships.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectConfigType } from '../src/misconfig/detect-type.js';
import { REGISTRY_CONFIG_CHECKS, isLoopbackAddress } from '../src/misconfig/registry-config/registry-config-checks.js';
import { checkConfigs } from '../src/misconfig/scan-config.js';

const findings = (text: string): { id: string; line: number }[] => checkConfigs([{ path: 'config.yml', text }], {}).findings.map((f) => ({ id: f.checkId, line: f.line }));
const ids = (text: string): string[] => findings(text).map((f) => f.id);

/** A hardened baseline; each case changes one thing. */
const SECURE = {
  storage: 'storage:\n  filesystem: {rootdirectory: /var/lib/registry}\n',
  http: 'http:\n  addr: :5000\n  secret: 8c5d3f0a6b2e4d17a9f1c3e5b7d9f1a3\n  tls:\n    certificate: /certs/registry.crt\n    key: /certs/registry.key\n    minimumtls: tls1.2\n',
  auth: 'auth:\n  token:\n    realm: https://auth.example.com/token\n    service: registry\n    issuer: auth\n    rootcertbundle: /certs/token.pem\n',
};
const config = (parts: Partial<typeof SECURE> = {}): string => `version: 0.1\n${parts.storage ?? SECURE.storage}${parts.http ?? SECURE.http}${parts.auth ?? SECURE.auth}`;

const CASES: [string, string, string][] = [
  ['registry-plain-http', config({ http: 'http:\n  addr: :5000\n  secret: 8c5d3f0a6b2e4d17a9f1c3e5b7d9f1a3\n' }), config({ http: 'http:\n  addr: 127.0.0.1:5000\n  secret: 8c5d3f0a6b2e4d17a9f1c3e5b7d9f1a3\n' })],
  ['registry-weak-tls', config({ http: SECURE.http.replace('tls1.2', 'tls1.0') }), config({ http: SECURE.http.replace('tls1.2', 'tls1.3') })],
  ['registry-no-auth', config({ auth: '' }), config({ auth: 'auth:\n  htpasswd: {realm: r, path: /auth/htpasswd}\n' })],
  ['registry-no-auth', config({ auth: 'auth:\n  silly: {realm: r, service: s}\n' }), config()],
  ['registry-htpasswd-without-tls', config({ http: 'http:\n  addr: 0.0.0.0:5000\n  secret: 8c5d3f0a6b2e4d17a9f1c3e5b7d9f1a3\n', auth: 'auth:\n  htpasswd: {realm: r, path: /auth/htpasswd}\n' }), config({ auth: 'auth:\n  htpasswd: {realm: r, path: /auth/htpasswd}\n' })],
  ['registry-token-realm-http', config({ auth: SECURE.auth.replace('https://auth.example.com', 'http://auth.example.com') }), config({ auth: SECURE.auth.replace('https://auth.example.com', 'http://127.0.0.1:5555') })],
  ['registry-delete-enabled', config({ storage: `${SECURE.storage}  delete:\n    enabled: true\n` }), config({ storage: `${SECURE.storage}  delete:\n    enabled: false\n` })],
  ['registry-debug-exposed', config({ http: `${SECURE.http}  debug:\n    addr: :5001\n` }), config({ http: `${SECURE.http}  debug:\n    addr: localhost:5001\n` })],
  ['registry-no-http-secret', config({ http: SECURE.http.replace(/ {2}secret: .*\n/, '') }), config()],
  ['registry-no-http-secret', config({ http: SECURE.http.replace(/secret: .*\n/, 'secret: short\n') }), config()],
];

describe('registry config checks', () => {
  it('detects Distribution configs and nothing else', () => {
    expect(detectConfigType('config.yml', config())).toBe('registry-config');
    expect(detectConfigType('registry.yaml', "version: '0.1'\nstorage: {}\nhttp: {}\n")).toBe('registry-config');
    expect(detectConfigType('config.yml', 'version: 2\nstorage: {}\nhttp: {}\n')).toBeUndefined();
    expect(detectConfigType('docker-compose.yml', 'version: "3.8"\nservices:\n  a: {}\n')).toBe('compose');
  });

  it('the hardened baseline passes every check', () => {
    expect(ids(config())).toEqual([]);
  });

  it.each(CASES)('%s fails and passes', (id, failing, passing) => {
    expect(ids(failing)).toContain(id);
    expect(ids(passing)).not.toContain(id);
  });

  it('covers every check in the table', () => {
    expect(new Set(CASES.map((c) => c[0]))).toEqual(new Set(REGISTRY_CONFIG_CHECKS.map((c) => c.id)));
  });

  it('flags the config Debian ships, with lines', () => {
    const text = readFileSync(resolve(import.meta.dirname, '../../../test/fixtures/registry-config/debian-docker-registry-config.yml'), 'utf8');
    expect(findings(text)).toEqual([
      { id: 'registry-plain-http', line: 13 },
      { id: 'registry-htpasswd-without-tls', line: 17 },
      { id: 'registry-delete-enabled', line: 11 },
      { id: 'registry-no-http-secret', line: 13 },
    ]);
  });

  it('knows loopback listeners', () => {
    for (const a of ['127.0.0.1:5000', 'localhost:5000', '[::1]:5000', '127.1.2.3:80']) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of [':5000', '0.0.0.0:5000', '10.0.0.1:5000', 'registry:5000', undefined]) expect(isLoopbackAddress(a)).toBe(false);
  });
});
