/**
 * A client for the OCI distribution API: manifests (all four media types in Accept) and
 * blobs, with the registry auth dance — anonymous, HTTP Basic, and bearer tokens obtained
 * from the `WWW-Authenticate` challenge (realm, service, scope) — plus retries with back-off
 * on 429/5xx and network errors, and typed errors naming the registry and the problem.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { BulwarkError } from '../model/errors.js';
import { TOOL_VERSION } from '../version.js';
import type { Credentials } from './credentials.js';
import type { ImageReference } from './reference.js';

/** The referrers tag schema's fallback tag for a subject digest: `sha256:abc…` → `sha256-abc…`. */
export const referrersTag = (digest: string): string => digest.replace(':', '-');

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface ClientOptions {
  /** Plain HTTP (registries on localhost or in a lab). */
  insecure?: boolean;
  credentials?: Credentials;
  retries?: number;
  /** Base delay of the exponential back-off (tests shorten it). */
  backoffMs?: number;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="https://auth",service="reg",scope="repository:a:pull"` → parts. */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of (m[2] ?? '').matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) params[(p[1] ?? '').toLowerCase()] = p[2] ?? p[3] ?? '';
  return { scheme: (m[1] ?? '').toLowerCase(), params };
}

const USER_AGENT = `bulwark/${TOOL_VERSION}`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RegistryClient {
  private authorization: string | undefined;
  private readonly base: string;
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(
    readonly ref: ImageReference,
    private readonly options: ClientOptions = {},
  ) {
    this.base = `${options.insecure ? 'http' : 'https'}://${ref.apiHost}`;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 250;
  }

  private fail(code: 'REGISTRY_UNREACHABLE' | 'REGISTRY_AUTH' | 'MANIFEST_UNKNOWN' | 'REGISTRY_ERROR', problem: string): never {
    throw new BulwarkError(code, this.ref.canonical, problem);
  }

  /** One request with retries; handles one auth challenge per call. `path` may be a full URL (upload locations). */
  private async send(path: string, headers: Record<string, string>, what: string, method: 'GET' | 'HEAD' | 'POST' | 'PUT' = 'GET', body?: Buffer): Promise<Dispatcher.ResponseData> {
    let challenged = false;
    for (let attempt = 0; ; attempt++) {
      let res: Dispatcher.ResponseData;
      try {
        const url = /^https?:\/\//.test(path) ? path : `${this.base}${path}`;
        // Credentials go to the registry's own origin only (an upload Location may point elsewhere).
        const sameOrigin = new URL(url).origin === new URL(this.base).origin;
        res = await request(url, { method, ...(body ? { body } : {}), headers: { 'user-agent': USER_AGENT, ...headers, ...(this.authorization && sameOrigin ? { authorization: this.authorization } : {}) }, maxRedirections: 5, headersTimeout: 30_000, bodyTimeout: 120_000 });
      } catch (err) {
        if (attempt < this.retries) {
          await sleep(this.backoffMs * 2 ** attempt);
          continue;
        }
        const cause = err instanceof Error ? ((err as { code?: string }).code ?? err.message) : String(err);
        return this.fail('REGISTRY_UNREACHABLE', `cannot reach ${this.base} (${cause})${this.options.insecure ? '' : '; for a plain-HTTP registry add --insecure'}`);
      }
      if (res.statusCode === 401 && !challenged) {
        challenged = true;
        const header = String(res.headers['www-authenticate'] ?? '');
        await res.body.dump();
        await this.authenticate(header);
        attempt--;
        continue;
      }
      if ((res.statusCode === 429 || res.statusCode >= 500) && attempt < this.retries) {
        const retryAfter = Number(res.headers['retry-after']);
        await res.body.dump();
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 30_000) : this.backoffMs * 2 ** attempt);
        continue;
      }
      if (res.statusCode === 401 || res.statusCode === 403) {
        const header = String(res.headers['www-authenticate'] ?? '');
        await res.body.dump();
        const who = this.options.credentials ? `as ${this.options.credentials.username || '(token)'} from ${this.options.credentials.source}` : 'anonymously';
        return this.fail('REGISTRY_AUTH', `${res.statusCode === 401 ? 'authentication required' : 'access denied'} for ${what} ${who}${header ? ` (challenge: ${header})` : ''}; pass --username/--password or log in with docker login`);
      }
      if (res.statusCode === 404) {
        await res.body.dump();
        return this.fail('MANIFEST_UNKNOWN', `${what} not found (HTTP 404)`);
      }
      if (res.statusCode >= 300) {
        await res.body.dump();
        return this.fail('REGISTRY_ERROR', `${what}: HTTP ${res.statusCode}`);
      }
      return res;
    }
  }

  private async authenticate(header: string): Promise<void> {
    const challenge = parseChallenge(header);
    const creds = this.options.credentials;
    const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    if (!challenge || challenge.scheme === 'basic') {
      if (!basic) this.fail('REGISTRY_AUTH', `the registry asks for credentials${header ? ` (challenge: ${header})` : ''}; pass --username/--password or log in with docker login`);
      this.authorization = basic;
      return;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) this.fail('REGISTRY_AUTH', `unsupported authentication challenge: ${header}`);
    const url = new URL(challenge.params.realm as string);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', challenge.params.scope ?? `repository:${this.ref.repository}:pull`);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, { method: 'GET', headers: { 'user-agent': USER_AGENT, ...(basic ? { authorization: basic } : {}) }, headersTimeout: 30_000, bodyTimeout: 30_000 });
    } catch (err) {
      return this.fail('REGISTRY_UNREACHABLE', `cannot reach the token service ${url.origin} (${err instanceof Error ? err.message : String(err)})`);
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      return this.fail('REGISTRY_AUTH', `the token service ${url.origin} refused ${creds ? `the credentials from ${creds.source}` : 'anonymous access'} (HTTP ${res.statusCode})`);
    }
    const body = (await res.body.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) this.fail('REGISTRY_AUTH', `the token service ${url.origin} returned no token`);
    this.authorization = `Bearer ${token}`;
  }

  /** Fetches a manifest by tag or digest; verifies the bytes against a requested digest. */
  async manifest(reference: string, maxSize: number): Promise<{ body: Buffer; mediaType: string; digest: string }> {
    const res = await this.send(`/v2/${this.ref.repository}/manifests/${reference}`, { accept: MANIFEST_ACCEPT }, `manifest ${reference}`);
    const body = await this.readBounded(res.body, maxSize, `manifest ${reference}`);
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (reference.startsWith('sha256:') && digest !== reference) throw new BulwarkError('DIGEST_MISMATCH', this.ref.canonical, `manifest ${reference} hashes to ${digest}; the registry returned altered content`);
    const mediaType = String(res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    return { body, mediaType, digest };
  }

  /** A manifest by tag or digest, or undefined when the registry does not have it. */
  async optionalManifest(reference: string, maxSize: number): Promise<{ body: Buffer; mediaType: string; digest: string } | undefined> {
    try {
      return await this.manifest(reference, maxSize);
    } catch (err) {
      if (err instanceof BulwarkError && err.code === 'MANIFEST_UNKNOWN') return undefined;
      throw err;
    }
  }

  /**
   * The OCI index of artifacts that name `digest` as their subject: from the referrers API, or,
   * when the registry does not have that API (404, as Distribution 2.x), from the fallback tag
   * `sha256-<hex>` (OCI distribution spec, referrers tag schema). Undefined when neither exists.
   */
  async referrers(digest: string, maxSize: number): Promise<{ body: Buffer; source: 'referrers API' | `tag ${string}` } | undefined> {
    try {
      const res = await this.send(`/v2/${this.ref.repository}/referrers/${digest}`, { accept: 'application/vnd.oci.image.index.v1+json' }, `referrers of ${digest}`);
      return { body: await this.readBounded(res.body, maxSize, `the referrers index of ${digest}`), source: 'referrers API' };
    } catch (err) {
      if (!(err instanceof BulwarkError && err.code === 'MANIFEST_UNKNOWN')) throw err;
    }
    const tag = referrersTag(digest);
    const index = await this.optionalManifest(tag, maxSize);
    return index ? { body: index.body, source: `tag ${tag}` } : undefined;
  }

  /** Whether the registry serves the referrers API (else artifacts are listed under the fallback tag). */
  async hasReferrersApi(digest: string): Promise<boolean> {
    try {
      const res = await this.send(`/v2/${this.ref.repository}/referrers/${digest}`, { accept: 'application/vnd.oci.image.index.v1+json' }, `referrers of ${digest}`);
      await res.body.dump();
      return true;
    } catch (err) {
      if (err instanceof BulwarkError && err.code === 'MANIFEST_UNKNOWN') return false;
      throw err;
    }
  }

  /** A response body read whole, refused past `maxSize` bytes (`what` names it in the error). */
  private async readBounded(stream: Readable, maxSize: number, what: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxSize) {
        stream.destroy();
        throw new BulwarkError('FILE_TOO_LARGE', this.ref.canonical, `${what} is larger than ${maxSize} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /** A small blob read whole, verified against its digest. */
  async blobBytes(digest: string, maxSize: number): Promise<Buffer> {
    const { stream } = await this.blob(digest);
    const bytes = await this.readBounded(stream, maxSize, `blob ${digest}`);
    const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (actual !== digest) throw new BulwarkError('DIGEST_MISMATCH', this.ref.canonical, `blob ${digest} hashes to ${actual}; the registry returned altered content`);
    return bytes;
  }

  /** Uploads a blob in one request (POST for a session, then PUT with the digest). */
  async putBlob(bytes: Buffer): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const start = await this.send(`/v2/${this.ref.repository}/blobs/uploads/`, { 'content-length': '0' }, 'blob upload', 'POST');
    await start.body.dump();
    const location = String(start.headers.location ?? '');
    if (!location) this.fail('REGISTRY_ERROR', 'the registry started an upload without a Location');
    const url = new URL(location, `${this.base}/`);
    url.searchParams.set('digest', digest);
    const done = await this.send(url.toString(), { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }, `blob ${digest}`, 'PUT', bytes);
    await done.body.dump();
    return digest;
  }

  /** Stores a manifest under a tag (or its digest); returns its digest. */
  async putManifest(reference: string, body: Buffer, mediaType: string): Promise<string> {
    const res = await this.send(`/v2/${this.ref.repository}/manifests/${reference}`, { 'content-type': mediaType }, `manifest ${reference}`, 'PUT', body);
    await res.body.dump();
    return `sha256:${createHash('sha256').update(body).digest('hex')}`;
  }

  /** A blob as a stream (its digest is verified by whoever consumes it). */
  async blob(digest: string): Promise<{ stream: Readable; size?: number }> {
    const res = await this.send(`/v2/${this.ref.repository}/blobs/${digest}`, {}, `blob ${digest}`);
    const length = Number(res.headers['content-length']);
    return { stream: res.body, ...(Number.isFinite(length) ? { size: length } : {}) };
  }
}
