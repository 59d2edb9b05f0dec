/**
 * Sigstore bundles (cosign v3's format) against a real registry: `sign --bundle` attaches a
 * DSSE in-toto bundle as an OCI artifact whose subject is the image; Debian's Distribution has
 * no referrers API, so it is listed under the fallback tag `sha256-<hex>`. Checked
 * independently: skopeo reads the index and artifact manifest, openssl verifies the DSSE
 * signature over the pre-authentication encoding. Wrong keys, tampered bundles and bundles
 * moved to another image are refused (exit 7). Keyless bundles come from a private Sigstore
 * (test CA + log key, helpers/test-sigstore.ts) and are checked against its trusted_root.json
 * offline, with the signer identity and OIDC issuer required.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachBundle, connectRegistry, imageStatement } from '../packages/core/src/index.js';
import { LAB_PASSWORD, LAB_USER, pushImage, registryToolsPresent, skopeo, startRegistry, type RegistryLab } from './helpers/registry-lab.js';
import { runCliAsync } from './helpers/run-cli.js';
import { createTestSigstore } from './helpers/test-sigstore.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const ALPINE = `oci-archive:${join(FIXTURES, 'images/alpine-3.14.9.containerd.oci.tar')}`;
const HELLO = `docker-archive:${join(FIXTURES, 'images/hello-world.docker-v25.tar')}`;
const PASSWORD = 'bundle password';
const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

const present = registryToolsPresent();
if (!present && process.env.CI) throw new Error('docker-registry, skopeo, htpasswd and openssl must be installed (.ci/run installs them)');

interface Verification {
  verified: boolean;
  manifestDigest: string;
  bundlesAt?: string;
  signatures: { status: string; scheme?: string; payloadDigest: string; reason?: string; keyless: boolean }[];
}
interface IndexJson {
  manifests: { digest: string; artifactType?: string; annotations?: Record<string, string> }[];
}
interface ArtifactManifest {
  artifactType: string;
  config: { mediaType: string };
  layers: { digest: string; mediaType: string }[];
  subject: { digest: string };
}

describe.skipIf(!present)('Sigstore bundles through referrers', () => {
  let lab: RegistryLab;
  let keys: string;
  const creds = ['--insecure', '--username', LAB_USER, '--password', LAB_PASSWORD];
  const skopeoCreds = ['--tls-verify=false', '--creds', `${LAB_USER}:${LAB_PASSWORD}`];
  const client = (image: string): ReturnType<typeof connectRegistry> => connectRegistry(`${lab.host}/${image}`, { insecure: true, username: LAB_USER, password: LAB_PASSWORD });
  const verify = async (image: string, args: string[]): Promise<{ status: number; result: Verification; stderr: string }> => {
    const run = await runCliAsync(['verify', `${lab.host}/${image}`, ...args, '-f', 'json', ...creds]);
    return { status: run.status, result: JSON.parse(run.stdout || '{}') as Verification, stderr: run.stderr };
  };
  const signBundle = (image: string): ReturnType<typeof runCliAsync> => runCliAsync(['sign', '--bundle', `${lab.host}/${image}`, '--key', join(keys, 'cosign.key'), ...creds], { env: { COSIGN_PASSWORD: PASSWORD } });
  /** The referrers fallback index and the first bundle artifact listed there, read with skopeo. */
  const artifactOf = async (image: string, digest: string): Promise<{ index: IndexJson; manifest: ArtifactManifest; manifestDigest: string }> => {
    const index = JSON.parse(await skopeo(['inspect', '--raw', ...skopeoCreds, `docker://${lab.host}/${image.split(':')[0]}:${digest.replace(':', '-')}`])) as IndexJson;
    const manifestDigest = index.manifests[0]?.digest ?? '';
    const manifest = JSON.parse(await skopeo(['inspect', '--raw', ...skopeoCreds, `docker://${lab.host}/${image.split(':')[0]}@${manifestDigest}`])) as ArtifactManifest;
    return { index, manifest, manifestDigest };
  };

  beforeAll(async () => {
    lab = await startRegistry('token');
    await pushImage(lab, ALPINE, 'lab/alpine:3.14');
    await pushImage(lab, HELLO, 'lab/hello:1');
    keys = mkdtempSync(join(tmpdir(), 'bulwark-bundle-keys-'));
    for (const name of ['cosign', 'other']) {
      const made = await runCliAsync(['key', 'generate', '--output-key-prefix', join(keys, name)], { env: { COSIGN_PASSWORD: PASSWORD } });
      expect(made.status, made.stderr).toBe(0);
    }
  }, 90_000);
  afterAll(async () => lab?.stop());

  it('attaches a DSSE bundle with the image as subject; skopeo reads it and openssl verifies the signature', async () => {
    expect((await verify('lab/alpine:3.14', ['--key', join(keys, 'cosign.pub')])).status).toBe(7);
    const signed = await signBundle('lab/alpine:3.14');
    expect(signed.status, signed.stderr).toBe(0);
    expect(signed.stderr).toMatch(/listed via tag sha256-[0-9a-f]{64}/);

    const { status, result } = await verify('lab/alpine:3.14', ['--key', join(keys, 'cosign.pub')]);
    expect(status).toBe(0);
    expect(result.bundlesAt).toBe(`tag ${result.manifestDigest.replace(':', '-')}`);
    expect(result.signatures).toEqual([expect.objectContaining({ scheme: 'sigstore-bundle', status: 'verified', keyless: false })]);

    // The layout cosign's bundle spec describes, as an independent registry client sees it.
    const { index, manifest } = await artifactOf('lab/alpine:3.14', result.manifestDigest);
    expect(index.manifests).toEqual([expect.objectContaining({ artifactType: BUNDLE_TYPE, annotations: expect.objectContaining({ 'dev.sigstore.bundle.content': 'dsse-envelope' }) })]);
    expect(manifest.artifactType).toBe(BUNDLE_TYPE);
    expect(manifest.config.mediaType).toBe('application/vnd.oci.empty.v1+json');
    expect(manifest.subject.digest).toBe(result.manifestDigest);
    expect(manifest.layers[0]?.mediaType).toBe(BUNDLE_TYPE);

    // The bundle: an in-toto statement naming the digest, signed over DSSE's PAE (checked with openssl).
    const bundle = JSON.parse((await client('lab/alpine').blobBytes(manifest.layers[0]?.digest ?? '', 1 << 20)).toString('utf8')) as { mediaType: string; dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string }[] } };
    expect(bundle.mediaType).toBe(BUNDLE_TYPE);
    const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
    expect(JSON.parse(statement.toString('utf8'))).toMatchObject({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://sigstore.dev/cosign/sign/v1', subject: [{ digest: { sha256: result.manifestDigest.slice(7) } }] });
    const type = bundle.dsseEnvelope.payloadType;
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-bundle-'));
    writeFileSync(join(dir, 'pae'), Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${statement.length} `), statement]));
    writeFileSync(join(dir, 'sig.der'), Buffer.from(bundle.dsseEnvelope.signatures[0]?.sig ?? '', 'base64'));
    const openssl = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(keys, 'cosign.pub'), '-signature', join(dir, 'sig.der'), join(dir, 'pae')], { encoding: 'utf8' });
    expect(openssl.stdout.trim()).toBe('Verified OK');
  }, 90_000);

  it('refuses another key, a tampered bundle and a bundle moved to another image (exit 7)', async () => {
    const wrongKey = await verify('lab/alpine:3.14', ['--key', join(keys, 'other.pub')]);
    expect(wrongKey.status).toBe(7);
    expect(wrongKey.result.signatures).toEqual([expect.objectContaining({ scheme: 'sigstore-bundle', status: 'bad-signature' })]);

    const alpine = (await verify('lab/alpine:3.14', ['--key', join(keys, 'cosign.pub')])).result;
    const hello = (await verify('lab/hello:1', ['--key', join(keys, 'cosign.pub')])).result;
    expect(hello.signatures).toEqual([]);
    const { manifest } = await artifactOf('lab/alpine:3.14', alpine.manifestDigest);
    const original = await client('lab/alpine').blobBytes(manifest.layers[0]?.digest ?? '', 1 << 20);

    // Re-attach bundle bytes to an image: a new artifact manifest naming `subject`, listed in its fallback index.
    const attach = async (image: string, subjectDigest: string, bundleBytes: Buffer): Promise<void> => {
      const target = client(image);
      const bundleDigest = await target.putBlob(bundleBytes);
      const empty = await target.putBlob(Buffer.from('{}'));
      const subject = await target.manifest(subjectDigest, 1 << 22);
      const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: BUNDLE_TYPE, config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 }, layers: [{ mediaType: BUNDLE_TYPE, digest: bundleDigest, size: bundleBytes.length }], subject: { mediaType: subject.mediaType, digest: subjectDigest, size: subject.body.length } }));
      const digest = await target.putManifest(`sha256:${(await import('node:crypto')).createHash('sha256').update(body).digest('hex')}`, body, 'application/vnd.oci.image.manifest.v1+json');
      const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: body.length, artifactType: BUNDLE_TYPE }] }));
      await target.putManifest(subjectDigest.replace(':', '-'), index, 'application/vnd.oci.image.index.v1+json');
    };

    await attach('lab/hello', hello.manifestDigest, original);
    const moved = await verify('lab/hello:1', ['--key', join(keys, 'cosign.pub')]);
    expect(moved.status).toBe(7);
    expect(moved.result.signatures).toEqual([expect.objectContaining({ status: 'wrong-digest', reason: expect.stringContaining(alpine.manifestDigest) })]);

    const tampered = JSON.parse(original.toString('utf8')) as { dsseEnvelope: { signatures: { sig: string }[] } };
    const sig = Buffer.from(tampered.dsseEnvelope.signatures[0]?.sig ?? '', 'base64');
    sig[sig.length - 3] = (sig[sig.length - 3] ?? 0) ^ 0x01;
    (tampered.dsseEnvelope.signatures[0] as { sig: string }).sig = sig.toString('base64');
    await attach('lab/alpine', alpine.manifestDigest, Buffer.from(JSON.stringify(tampered)));
    const bad = await verify('lab/alpine:3.14', ['--key', join(keys, 'cosign.pub')]);
    expect(bad.status).toBe(7);
    expect(bad.result.signatures).toEqual([expect.objectContaining({ status: 'bad-signature' })]);

    await attach('lab/alpine', alpine.manifestDigest, Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}'));
    const malformed = await verify('lab/alpine:3.14', ['--key', join(keys, 'cosign.pub')]);
    expect(malformed.result.signatures).toEqual([expect.objectContaining({ status: 'malformed', reason: expect.stringContaining('not a Sigstore bundle') })]);
  }, 90_000);

  it('verifies a keyless bundle against a trusted root given offline, with the identity required', async () => {
    const sigstore = createTestSigstore('good');
    const rogue = createTestSigstore('rogue');
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-root-'));
    writeFileSync(join(dir, 'trusted_root.json'), sigstore.trustedRoot);
    const keyless = ['--trusted-root', join(dir, 'trusted_root.json'), '--certificate-identity', 'release@example.com', '--certificate-oidc-issuer', 'https://issuer.example'];

    await pushImage(lab, HELLO, 'lab/keyless:1');
    const target = client('lab/keyless');
    const subject = await target.manifest('1', 1 << 22);
    const statement = imageStatement(`${lab.host}/lab/keyless`, subject.digest);
    const attach = (bundle: Buffer): ReturnType<typeof attachBundle> => attachBundle(target, { mediaType: subject.mediaType, digest: subject.digest, size: subject.body.length }, bundle, {});
    expect((await verify('lab/keyless:1', keyless)).status).toBe(7);

    await attach(sigstore.keylessBundle(statement, 'release@example.com', 'https://issuer.example'));
    const good = await verify('lab/keyless:1', keyless);
    expect(good.status, good.stderr).toBe(0);
    expect(good.result.signatures).toEqual([expect.objectContaining({ scheme: 'sigstore-bundle', status: 'verified', keyless: true, identity: { subjectAlternativeName: 'release@example.com', issuer: 'https://issuer.example' } })]);

    // The same check inside an image scan: the result is in the report, and no finding.
    const scanArgs = ['--verify-trusted-root', join(dir, 'trusted_root.json'), '--verify-certificate-identity', 'release@example.com', '--verify-certificate-oidc-issuer', 'https://issuer.example', '--exit-code', '9', '-f', 'json', ...creds];
    interface Scan { signature?: Verification; misconfigurations?: { checkId: string; message: string }[] }
    const scanned = await runCliAsync(['image', `${lab.host}/lab/keyless:1`, ...scanArgs]);
    expect(scanned.status, scanned.stderr).toBe(0);
    const scanReport = JSON.parse(scanned.stdout) as Scan;
    expect(scanReport.signature?.verified).toBe(true);
    expect(scanReport.misconfigurations ?? []).toEqual([]);
    const scannedOther = await runCliAsync(['image', `${lab.host}/lab/keyless:1`, ...scanArgs.map((a) => (a === 'release@example.com' ? 'someone@example.com' : a))]);
    expect(scannedOther.status).toBe(9);
    expect((JSON.parse(scannedOther.stdout) as Scan).misconfigurations).toEqual([expect.objectContaining({ checkId: 'image-signature-unverified', message: expect.stringContaining('wrong-identity') })]);
    const scanNoIdentity = await runCliAsync(['image', `${lab.host}/lab/keyless:1`, '--verify-trusted-root', join(dir, 'trusted_root.json'), ...creds]);
    expect(scanNoIdentity.status).toBe(2);
    expect(scanNoIdentity.stderr).toContain('--verify-certificate-identity');

    // The same trust, another identity required: refused as the wrong signer.
    const other = await verify('lab/keyless:1', ['--trusted-root', join(dir, 'trusted_root.json'), '--certificate-identity', 'someone@example.com', '--certificate-oidc-issuer', 'https://issuer.example']);
    expect(other.status).toBe(7);
    expect(other.result.signatures).toEqual([expect.objectContaining({ status: 'wrong-identity' })]);
    // --key alone cannot vouch for a certificate.
    const keyOnly = await verify('lab/keyless:1', ['--key', join(keys, 'cosign.pub')]);
    expect(keyOnly.status).toBe(7);
    expect(keyOnly.result.signatures).toEqual([expect.objectContaining({ status: 'bad-signature', reason: expect.stringContaining('--trusted-root') })]);
    // Identity and issuer are both required with a trusted root.
    const noIdentity = await runCliAsync(['verify', `${lab.host}/lab/keyless:1`, '--trusted-root', join(dir, 'trusted_root.json'), ...creds]);
    expect(noIdentity.status).toBe(2);
    expect(noIdentity.stderr).toContain('--certificate-identity');

    // A certificate from a CA the root does not list, and a log promise that was altered.
    await pushImage(lab, HELLO, 'lab/keyless-bad:1');
    const badTarget = client('lab/keyless-bad');
    const badSubject = await badTarget.manifest('1', 1 << 22);
    const badStatement = imageStatement(`${lab.host}/lab/keyless-bad`, badSubject.digest);
    await attachBundle(badTarget, { mediaType: badSubject.mediaType, digest: badSubject.digest, size: badSubject.body.length }, rogue.keylessBundle(badStatement, 'release@example.com', 'https://issuer.example'), {});
    const altered = JSON.parse(sigstore.keylessBundle(badStatement, 'release@example.com', 'https://issuer.example').toString('utf8')) as { verificationMaterial: { tlogEntries: { integratedTime: string }[] } };
    const entry = altered.verificationMaterial.tlogEntries[0] as { integratedTime: string };
    entry.integratedTime = String(Number(entry.integratedTime) - 1);
    await attachBundle(badTarget, { mediaType: badSubject.mediaType, digest: badSubject.digest, size: badSubject.body.length }, Buffer.from(JSON.stringify(altered)), {});
    const bad = await verify('lab/keyless-bad:1', keyless);
    expect(bad.status).toBe(7);
    expect(bad.result.signatures.map((s) => [s.status, s.reason?.split(':')[0]])).toEqual([
      ['bad-signature', 'CERTIFICATE_ERROR'],
      ['bad-signature', 'TLOG_INCLUSION_PROMISE_ERROR'],
    ]);
  }, 90_000);

  it('needs --key or a trusted root, and an identity for keyless', async () => {
    const none = await runCliAsync(['verify', `${lab.host}/lab/alpine:3.14`, ...creds]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('give --key');
  });
});
