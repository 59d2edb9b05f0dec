/**
 * Checks for a CNCF Distribution (`docker-registry`) `config.yml`: plain HTTP, weak TLS, no
 * authentication, htpasswd over cleartext, deletes enabled, the debug endpoint exposed, no
 * shared HTTP secret, a token realm over HTTP. Loopback-only listeners are not "exposed".
 */
import { check, type Check, type Hit } from '../check.js';
import type { YamlFile } from '../yaml-document.js';
import { isRecord, type Json } from '../values.js';

type RegistryConfigCheck = Check<YamlFile>;

const section = (v: unknown): Json => (isRecord(v) ? v : {});
const http = (doc: YamlFile): Json => section(section(doc.body).http);
const auth = (doc: YamlFile): Json | undefined => (isRecord(section(doc.body).auth) ? (section(doc.body).auth as Json) : undefined);
const tls = (doc: YamlFile): Json | undefined => (isRecord(http(doc).tls) ? (http(doc).tls as Json) : undefined);
const hasTls = (doc: YamlFile): boolean => {
  const t = tls(doc);
  return Boolean(t && ((typeof t.certificate === 'string' && t.certificate) || isRecord(t.letsencrypt)));
};

/** `127.0.0.1:5000`, `localhost:5000`, `[::1]:5000` listen on loopback only; `:5000` and `0.0.0.0:5000` do not. */
export function isLoopbackAddress(addr: unknown): boolean {
  if (typeof addr !== 'string') return false;
  const host = addr.startsWith('[') ? addr.slice(1, addr.indexOf(']')) : addr.slice(0, addr.lastIndexOf(':') >= 0 ? addr.lastIndexOf(':') : addr.length);
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const at = (doc: YamlFile, path: (string | number)[], message: string): Hit => ({ line: doc.lineOf(path), message, resource: 'registry' });
const TLS_ORDER = ['tls1.0', 'tls1.1', 'tls1.2', 'tls1.3'];

export const REGISTRY_CONFIG_CHECKS: readonly RegistryConfigCheck[] = [
  check({ id: 'registry-plain-http', title: 'Registry serves plain HTTP', severity: 'HIGH', category: 'transport', fix: 'Configure http.tls (certificate and key, or letsencrypt), or bind to loopback behind a TLS-terminating proxy.', aliases: [] }, (doc) =>
    hasTls(doc) || isLoopbackAddress(http(doc).addr) ? [] : [at(doc, ['http', 'addr'], `listens on ${String(http(doc).addr ?? ':5000 (default)')} without TLS: pulls, pushes and credentials travel in cleartext`)],
  ),
  check({ id: 'registry-weak-tls', title: 'TLS minimum version below 1.2', severity: 'MEDIUM', category: 'transport', fix: 'Set http.tls.minimumtls to tls1.2 or tls1.3.', aliases: [] }, (doc) => {
    const min = tls(doc)?.minimumtls;
    return typeof min === 'string' && TLS_ORDER.indexOf(min) >= 0 && TLS_ORDER.indexOf(min) < 2 ? [at(doc, ['http', 'tls', 'minimumtls'], `minimumtls: ${min} allows deprecated protocol versions`)] : [];
  }),
  check({ id: 'registry-no-auth', title: 'Registry without authentication', severity: 'HIGH', category: 'access control', fix: 'Configure auth.htpasswd (with TLS) or auth.token; never auth.silly.', aliases: [] }, (doc) => {
    const a = auth(doc);
    if (!a) return isLoopbackAddress(http(doc).addr) ? [] : [at(doc, ['http', 'addr'], 'no auth section: anyone who reaches the registry can pull and push')];
    return 'silly' in a ? [at(doc, ['auth', 'silly'], 'auth.silly accepts any credentials; it exists for development only')] : [];
  }),
  check({ id: 'registry-htpasswd-without-tls', title: 'Passwords sent over plain HTTP', severity: 'HIGH', category: 'access control', fix: 'Serve TLS (http.tls) when using htpasswd authentication.', aliases: [] }, (doc) =>
    auth(doc)?.htpasswd !== undefined && !hasTls(doc) && !isLoopbackAddress(http(doc).addr) ? [at(doc, ['auth'], 'htpasswd credentials travel as HTTP Basic without TLS')] : [],
  ),
  check({ id: 'registry-token-realm-http', title: 'Token service over plain HTTP', severity: 'MEDIUM', category: 'access control', fix: 'Serve the token realm over HTTPS.', aliases: [] }, (doc) => {
    const realm = section(auth(doc)?.token).realm;
    if (typeof realm !== 'string' || !realm.startsWith('http://')) return [];
    const host = realm.slice('http://'.length).split('/')[0] ?? '';
    return isLoopbackAddress(host.includes(':') || host.startsWith('[') ? host : `${host}:80`) ? [] : [at(doc, ['auth', 'token', 'realm'], `clients send credentials to ${realm} in cleartext`)];
  }),
  check({ id: 'registry-delete-enabled', title: 'Image deletion enabled', severity: 'LOW', category: 'integrity', fix: 'Leave storage.delete.enabled false unless a garbage-collection policy needs it; restrict who may delete.', aliases: [] }, (doc) =>
    section(section(section(doc.body).storage).delete).enabled === true ? [at(doc, ['storage', 'delete', 'enabled'], 'any client with push rights can delete manifests and blobs')] : [],
  ),
  check({ id: 'registry-debug-exposed', title: 'Debug endpoint reachable from the network', severity: 'MEDIUM', category: 'exposure', fix: 'Bind http.debug.addr to 127.0.0.1 (or remove it).', aliases: [] }, (doc) => {
    const addr = section(http(doc).debug).addr;
    return addr !== undefined && !isLoopbackAddress(addr) ? [at(doc, ['http', 'debug', 'addr'], `debug server (pprof, expvar, metrics) on ${String(addr)}`)] : [];
  }),
  check({ id: 'registry-no-http-secret', title: 'No shared HTTP secret', severity: 'LOW', category: 'integrity', fix: 'Set http.secret to a long random value shared by every replica.', aliases: [] }, (doc) => {
    const secret = http(doc).secret;
    if (typeof secret === 'string' && secret.length >= 16) return [];
    return [at(doc, typeof secret === 'string' ? ['http', 'secret'] : ['http'], typeof secret === 'string' ? 'http.secret is shorter than 16 characters' : 'no http.secret: a random one is generated per process, so uploads break across replicas and restarts')];
  }),
];
