/**
 * Cosign tag-scheme signatures against a real registry (bearer-token auth, so pushes need
 * the push scope): `bulwark key generate` / `sign` / `verify` round trips, checked
 * independently — the key decrypted by libsodium (PyNaCl) and read by OpenSSL, the pushed
 * signature verified by `openssl dgst` — plus wrong keys, tampered signatures and
 * signatures moved to another image, each refused with exit 7.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_PASSWORD, LAB_USER, pushImage, registryToolsPresent, skopeo, startRegistry, type RegistryLab } from './helpers/registry-lab.js';
import { runCliAsync } from './helpers/run-cli.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const ALPINE = `oci-archive:${join(FIXTURES, 'images/alpine-3.14.9.containerd.oci.tar')}`;
const HELLO = `docker-archive:${join(FIXTURES, 'images/hello-world.docker-v25.tar')}`;
const PASSWORD = 'correct horse battery staple';
/** Debian's python3, where python3-nacl is installed (not a pyenv shim that may shadow it). */
const PYTHON = '/usr/bin/python3';

const present = registryToolsPresent() && spawnSync(PYTHON, ['-c', 'import nacl']).status === 0;
if (!present && process.env.CI) throw new Error('docker-registry, skopeo, htpasswd, openssl and python3-nacl must be installed (.ci/run installs them)');

interface Verification {
  verified: boolean;
  manifestDigest: string;
  signatures: { status: string; dockerReference?: string; payloadDigest: string }[];
}

describe.skipIf(!present)('cosign signatures', () => {
  let lab: RegistryLab;
  let keys: string;
  const creds = ['--insecure', '--username', LAB_USER, '--password', LAB_PASSWORD];
  const skopeoCreds = (dir: 'src' | 'dest'): string[] => [`--${dir}-tls-verify=false`, `--${dir}-creds`, `${LAB_USER}:${LAB_PASSWORD}`];
  const verify = async (image: string, pub: string): Promise<{ status: number; result: Verification; stderr: string }> => {
    const run = await runCliAsync(['verify', `${lab.host}/${image}`, '--key', pub, '-f', 'json', ...creds]);
    return { status: run.status, result: JSON.parse(run.stdout || '{}') as Verification, stderr: run.stderr };
  };

  beforeAll(async () => {
    lab = await startRegistry('token');
    await pushImage(lab, ALPINE, 'lab/alpine:3.14');
    await pushImage(lab, HELLO, 'lab/hello:1');
    keys = mkdtempSync(join(tmpdir(), 'bulwark-keys-'));
    const made = await runCliAsync(['key', 'generate', '--output-key-prefix', join(keys, 'cosign')], { env: { COSIGN_PASSWORD: PASSWORD } });
    expect(made.status).toBe(0);
    const other = await runCliAsync(['key', 'generate', '--output-key-prefix', join(keys, 'other')], { env: { COSIGN_PASSWORD: PASSWORD } });
    expect(other.status).toBe(0);
  }, 90_000);
  afterAll(async () => lab?.stop());

  it('writes a cosign-format key pair that libsodium and OpenSSL read independently', () => {
    const privatePath = join(keys, 'cosign.key');
    expect(statSync(privatePath).mode & 0o777).toBe(0o600);
    expect(readFileSync(privatePath, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    // Decrypt the envelope with PyNaCl (libsodium) + hashlib.scrypt; print the PKCS#8 as PEM.
    const python = `
import base64, hashlib, json, sys
from nacl.secret import SecretBox
text = open(sys.argv[1]).read()
body = ''.join(l for l in text.splitlines() if not l.startswith('-----'))
env = json.loads(base64.b64decode(body))
p = env['kdf']['params']
key = hashlib.scrypt(sys.argv[2].encode(), salt=base64.b64decode(env['kdf']['salt']), n=p['N'], r=p['r'], p=p['p'], maxmem=2**28, dklen=32)
der = SecretBox(key).decrypt(base64.b64decode(env['ciphertext']), base64.b64decode(env['cipher']['nonce']))
b64 = base64.b64encode(der).decode()
print('-----BEGIN PRIVATE KEY-----\\n' + '\\n'.join(b64[i:i+64] for i in range(0, len(b64), 64)) + '\\n-----END PRIVATE KEY-----')
`;
    const decrypted = spawnSync(PYTHON, ['-c', python, privatePath, PASSWORD], { encoding: 'utf8' });
    expect(decrypted.status, decrypted.stderr).toBe(0);
    const pub = spawnSync('openssl', ['pkey', '-pubout'], { input: decrypted.stdout, encoding: 'utf8' });
    expect(pub.status, pub.stderr).toBe(0);
    expect(pub.stdout).toBe(readFileSync(join(keys, 'cosign.pub'), 'utf8'));
    const wrong = spawnSync(PYTHON, ['-c', python, privatePath, 'wrong'], { encoding: 'utf8' });
    expect(wrong.status).not.toBe(0);
  });

  it('signs, verifies, and the pushed signature checks out with openssl', async () => {
    expect((await verify('lab/alpine:3.14', join(keys, 'cosign.pub'))).status).toBe(7);
    const signed = await runCliAsync(['sign', `${lab.host}/lab/alpine:3.14`, '--key', join(keys, 'cosign.key'), ...creds], { env: { COSIGN_PASSWORD: PASSWORD } });
    expect(signed.status, signed.stderr).toBe(0);
    const { status, result } = await verify('lab/alpine:3.14', join(keys, 'cosign.pub'));
    expect(status).toBe(0);
    expect(result.verified).toBe(true);
    expect(result.signatures).toEqual([expect.objectContaining({ status: 'verified', dockerReference: `${lab.host}/lab/alpine:3.14` })]);

    // Independent check: copy the .sig artifact out with skopeo, verify with openssl.
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-sig-'));
    const tag = `${result.manifestDigest.replace(':', '-')}.sig`;
    await skopeo(['copy', '-q', ...skopeoCreds('src'), `docker://${lab.host}/lab/alpine:${tag}`, `dir:${dir}`]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { layers: { digest: string; mediaType: string; annotations: Record<string, string> }[] };
    expect(manifest.layers[0]?.mediaType).toBe('application/vnd.dev.cosign.simplesigning.v1+json');
    const layer = manifest.layers[0];
    const payloadFile = join(dir, (layer?.digest ?? '').slice(7));
    const payload = JSON.parse(readFileSync(payloadFile, 'utf8')) as { critical: { image: Record<string, string>; type: string } };
    expect(payload.critical.image['docker-manifest-digest']).toBe(result.manifestDigest);
    expect(payload.critical.type).toBe('cosign container image signature');
    writeFileSync(join(dir, 'sig.der'), Buffer.from(layer?.annotations['dev.cosignproject.cosign/signature'] ?? '', 'base64'));
    const openssl = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(keys, 'cosign.pub'), '-signature', join(dir, 'sig.der'), payloadFile], { encoding: 'utf8' });
    expect(openssl.stdout.trim()).toBe('Verified OK');
  }, 60_000);

  it('refuses the wrong key, a tampered signature and a signature moved to another image (exit 7)', async () => {
    const wrongKey = await verify('lab/alpine:3.14', join(keys, 'other.pub'));
    expect(wrongKey.status).toBe(7);
    expect(wrongKey.result.signatures.map((s) => s.status)).toEqual(['bad-signature']);

    // Move alpine's signature artifact to hello's signature tag: it verifies, but names another digest.
    const alpine = (await verify('lab/alpine:3.14', join(keys, 'cosign.pub'))).result;
    const hello = (await verify('lab/hello:1', join(keys, 'cosign.pub'))).result;
    expect(hello.signatures).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-sig-'));
    await skopeo(['copy', '-q', ...skopeoCreds('src'), `docker://${lab.host}/lab/alpine:${alpine.manifestDigest.replace(':', '-')}.sig`, `dir:${dir}`]);
    await skopeo(['copy', '-q', ...skopeoCreds('dest'), `dir:${dir}`, `docker://${lab.host}/lab/hello:${hello.manifestDigest.replace(':', '-')}.sig`]);
    const moved = await verify('lab/hello:1', join(keys, 'cosign.pub'));
    expect(moved.status).toBe(7);
    expect(moved.result.signatures.map((s) => s.status)).toEqual(['wrong-digest']);

    // Flip a byte of the signature itself and push the altered artifact back.
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { layers: { annotations: Record<string, string> }[] };
    const annotations = manifest.layers[0]?.annotations ?? {};
    const signature = Buffer.from(annotations['dev.cosignproject.cosign/signature'] ?? '', 'base64');
    signature[signature.length - 5] = (signature[signature.length - 5] ?? 0) ^ 0x01;
    annotations['dev.cosignproject.cosign/signature'] = signature.toString('base64');
    writeFileSync(manifestPath, JSON.stringify(manifest));
    await skopeo(['copy', '-q', ...skopeoCreds('dest'), `dir:${dir}`, `docker://${lab.host}/lab/alpine:${alpine.manifestDigest.replace(':', '-')}.sig`]);
    const tampered = await verify('lab/alpine:3.14', join(keys, 'cosign.pub'));
    expect(tampered.status).toBe(7);
    expect(tampered.result.signatures.map((s) => s.status)).toEqual(['bad-signature']);
    expect(readdirSync(dir).length).toBeGreaterThan(1);
  }, 90_000);

  it('image --verify-key turns an unverified image into a HIGH finding that gates --exit-code', async () => {
    await pushImage(lab, ALPINE, 'lab/unsigned:1');
    interface Scan { signature?: Verification; misconfigurations?: { checkId: string; severity: string; message: string }[]; suppressedMisconfigurations?: unknown[]; packages: unknown[] }
    const scan = async (ref: string, extra: string[] = []): Promise<{ status: number; report: Scan }> => {
      const run = await runCliAsync(['image', ref, '--verify-key', join(keys, 'cosign.pub'), '--exit-code', '9', '-f', 'json', ...creds, ...extra]);
      return { status: run.status, report: JSON.parse(run.stdout || '{}') as Scan };
    };
    const signed = await scan(`${lab.host}/lab/alpine:3.14`);
    // alpine's signature was tampered with in the previous test: sign it again.
    expect(signed.report.signature?.verified).toBe(false);
    const resign = await runCliAsync(['sign', `${lab.host}/lab/alpine:3.14`, '--key', join(keys, 'cosign.key'), ...creds], { env: { COSIGN_PASSWORD: PASSWORD } });
    expect(resign.status).toBe(0);
    const good = await scan(`${lab.host}/lab/alpine:3.14`);
    expect(good.status).toBe(0);
    expect(good.report.signature?.verified).toBe(true);
    expect(good.report.misconfigurations ?? []).toEqual([]);
    expect(good.report.packages).toHaveLength(14);

    const unsigned = await scan(`${lab.host}/lab/unsigned:1`);
    expect(unsigned.status).toBe(9);
    expect(unsigned.report.misconfigurations).toEqual([expect.objectContaining({ checkId: 'image-signature-unverified', severity: 'HIGH', message: expect.stringContaining('no cosign signature') })]);
    const filtered = await scan(`${lab.host}/lab/unsigned:1`, ['--severity', 'CRITICAL']);
    expect(filtered.status).toBe(0);
    expect(filtered.report.suppressedMisconfigurations).toHaveLength(1);

    const archive = await runCliAsync(['image', join(FIXTURES, 'images/alpine-3.14.9.containerd.oci.tar'), '--verify-key', join(keys, 'cosign.pub'), '-f', 'json']);
    const archiveReport = JSON.parse(archive.stdout) as Scan;
    expect(archiveReport.misconfigurations?.[0]?.message).toContain('scan it by registry reference');
  }, 90_000);

  it('keeps signatures in another repository with --signature-repository / COSIGN_REPOSITORY', async () => {
    await pushImage(lab, HELLO, 'lab/elsewhere:1');
    const sigRepo = `${lab.host}/lab/signatures`;
    const signed = await runCliAsync(['sign', `${lab.host}/lab/elsewhere:1`, '--key', join(keys, 'cosign.key'), ...creds], { env: { COSIGN_PASSWORD: PASSWORD, COSIGN_REPOSITORY: sigRepo } });
    expect(signed.status, signed.stderr).toBe(0);
    expect(signed.stderr).toContain(`${lab.host}/lab/signatures:sha256-`);
    expect((await verify('lab/elsewhere:1', join(keys, 'cosign.pub'))).status).toBe(7);
    const run = await runCliAsync(['verify', `${lab.host}/lab/elsewhere:1`, '--key', join(keys, 'cosign.pub'), '--signature-repository', sigRepo, '-f', 'json', ...creds]);
    expect(run.status, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as Verification).verified).toBe(true);
    const bad = await runCliAsync(['verify', `${lab.host}/lab/elsewhere:1`, '--key', join(keys, 'cosign.pub'), '--signature-repository', `${sigRepo}:v1`, ...creds]);
    expect(bad.status).toBe(2);
  }, 60_000);

  it('never sends registry credentials to another origin named by an upload Location', async () => {
    // A proxy in front of the real registry rewrites upload locations to a second origin
    // (127.0.0.2) that records what it receives and forwards to the registry.
    const [regHost, regPort] = lab.host.split(':');
    const seenAuth: (string | undefined)[] = [];
    const forward = (req: IncomingMessage, res: ServerResponse, rewrite: (h: IncomingHttpHeaders) => void): void => {
      const up = httpRequest({ host: regHost, port: Number(regPort), method: req.method, path: req.url, headers: { ...req.headers, host: lab.host } }, (r) => {
        const headers = { ...r.headers };
        rewrite(headers);
        res.writeHead(r.statusCode ?? 502, headers);
        r.pipe(res);
      });
      req.pipe(up);
    };
    const other = createServer((req, res) => {
      seenAuth.push(req.headers.authorization);
      forward(req, res, () => undefined);
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.2', () => r()));
    const otherOrigin = `http://127.0.0.2:${(other.address() as AddressInfo).port}`;
    const proxy = createServer((req, res) =>
      forward(req, res, (h) => {
        if (typeof h.location === 'string' && h.location.includes('/blobs/uploads/')) h.location = `${otherOrigin}${new URL(h.location, 'http://x').pathname}${new URL(h.location, 'http://x').search}`;
      }),
    );
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (proxy.address() as AddressInfo).port;
      const run = await runCliAsync(['sign', `127.0.0.1:${port}/lab/alpine:3.14`, '--key', join(keys, 'cosign.key'), ...creds], { env: { COSIGN_PASSWORD: PASSWORD } });
      expect(seenAuth.length).toBeGreaterThan(0);
      expect(seenAuth.every((a) => a === undefined)).toBe(true);
      // The registry itself then refuses the unauthenticated upload: a clear auth error, not a leak.
      expect(run.status).toBe(4);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
      await new Promise<void>((r) => other.close(() => r()));
    }
  }, 90_000);

  it('signs by digest and keeps earlier signatures; a wrong key password is one clear line', async () => {
    const hello = (await verify('lab/hello:1', join(keys, 'other.pub'))).result;
    const ref = `${lab.host}/lab/hello@${hello.manifestDigest}`;
    for (const key of ['cosign', 'other']) {
      const run = await runCliAsync(['sign', ref, '--key', join(keys, `${key}.key`), ...creds], { env: { COSIGN_PASSWORD: PASSWORD } });
      expect(run.status, run.stderr).toBe(0);
    }
    const byOther = await verify(`lab/hello@${hello.manifestDigest}`, join(keys, 'other.pub'));
    expect(byOther.status).toBe(0);
    // Kept: the signature moved here in the previous test, then one new signature per key;
    // checked against other.pub only other's verifies, the two cosign.key ones do not.
    expect(byOther.result.signatures.map((s) => s.status)).toEqual(['bad-signature', 'bad-signature', 'verified']);
    const byCosign = await verify(`lab/hello@${hello.manifestDigest}`, join(keys, 'cosign.pub'));
    expect(byCosign.result.signatures.map((s) => s.status)).toEqual(['wrong-digest', 'verified', 'bad-signature']);
    const badPassword = await runCliAsync(['sign', ref, '--key', join(keys, 'cosign.key'), ...creds], { env: { COSIGN_PASSWORD: 'nope' } });
    expect(badPassword.status).toBe(2);
    expect(badPassword.stderr.trim()).toMatch(/cosign\.key: wrong password for the private key/);
  }, 90_000);
});
