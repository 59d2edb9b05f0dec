/**
 * Sigstore bundle checks without a registry: both content kinds (DSSE in-toto statement and
 * message signature over the manifest bytes) bound to the image digest, keys, and hostile input
 * (not JSON, not a bundle, a statement naming another image, unusable trusted roots) giving a
 * status or a typed error rather than an exception.
 */
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { bundleToJSON, toMessageSignatureBundle } from '@sigstore/bundle';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageStatement, signedBundle } from '../src/signature/bundle-signing.js';
import { checkBundle } from '../src/signature/sigstore-bundles.js';
import { bundleTrust } from '../src/signature/sigstore-trust.js';
import { BulwarkError } from '../src/model/errors.js';

const manifest = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}');
const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
const image = { digest, body: manifest };
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const trust = bundleTrust({ key: keys.publicKey });

function messageBundle(artifact: Buffer, signingKey = keys.privateKey): Buffer {
  const bundle = toMessageSignatureBundle({ digest: createHash('sha256').update(artifact).digest(), signature: sign('sha256', artifact, signingKey), keyHint: 'hint' });
  return Buffer.from(JSON.stringify(bundleToJSON(bundle)));
}

describe('Sigstore bundle checks', () => {
  it('DSSE: a statement naming this digest verifies; one naming another image is wrong-digest', () => {
    expect(checkBundle(signedBundle(imageStatement('r/x', digest), keys.privateKey), image, trust, 'b1')).toMatchObject({ status: 'verified', scheme: 'sigstore-bundle', keyless: false });
    const elsewhere = checkBundle(signedBundle(imageStatement('r/x', `sha256:${'0'.repeat(64)}`), keys.privateKey), image, trust, 'b2');
    expect(elsewhere).toMatchObject({ status: 'wrong-digest', reason: expect.stringContaining(digest) });
    expect(checkBundle(signedBundle(imageStatement('r/x', digest), other.privateKey), image, trust, 'b3')).toMatchObject({ status: 'bad-signature' });
  });

  it('message signature: over the manifest bytes verifies; over other bytes does not', () => {
    expect(checkBundle(messageBundle(manifest), image, trust, 'm1')).toMatchObject({ status: 'verified' });
    // Signed over other bytes: the signature does not verify over this manifest.
    expect(checkBundle(messageBundle(Buffer.from('{"another":"manifest"}')), image, trust, 'm2')).toMatchObject({ status: 'bad-signature' });
    expect(checkBundle(messageBundle(manifest, other.privateKey), image, trust, 'm3')).toMatchObject({ status: 'bad-signature' });
  });

  it('hostile bytes are statuses with reasons, not exceptions', () => {
    expect(checkBundle(Buffer.from('not json'), image, trust, 'h1')).toMatchObject({ status: 'malformed', reason: expect.stringContaining('not a Sigstore bundle') });
    expect(checkBundle(Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{}}'), image, trust, 'h2')).toMatchObject({ status: 'malformed', reason: expect.stringContaining('verificationMaterial') });
    const notStatement = JSON.parse(signedBundle(Buffer.from('[1,2,3]'), keys.privateKey).toString('utf8')) as object;
    expect(checkBundle(Buffer.from(JSON.stringify(notStatement)), image, trust, 'h3')).toMatchObject({ status: 'wrong-digest', reason: expect.stringContaining('subject') });
    // The right shape, signed by a key other than the trusted one.
    expect(checkBundle(signedBundle(imageStatement('r/x', digest), keys.privateKey), image, bundleTrust({ key: createPublicKey(other.privateKey) }), 'h4').status).toBe('bad-signature');
  });

  it("reads Sigstore's public-good trusted root; keyless needs an identity to require", () => {
    const json: unknown = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../test/fixtures/cosign/trusted_root.public-good.json'), 'utf8'));
    const withoutIdentity = bundleTrust({ trustedRoot: { json, source: 'public-good' }, key: keys.publicKey });
    expect(withoutIdentity.keyless).toBe(false);
    expect(withoutIdentity.checksLogs).toBe(true);
    // A keyed bundle without a Rekor entry fails the log threshold once a log is trusted (cosign without --insecure-ignore-tlog).
    expect(checkBundle(signedBundle(imageStatement('r/x', digest), keys.privateKey), image, withoutIdentity, 'p1')).toMatchObject({ status: 'bad-signature', reason: expect.stringContaining('TLOG_ERROR') });
    const keyless = bundleTrust({ trustedRoot: { json, source: 'public-good' }, certificateIdentity: 'dev@example.com', certificateOidcIssuer: 'https://accounts.google.com' });
    expect(keyless.keyless).toBe(true);
    expect(keyless.material.certificateAuthorities.length).toBeGreaterThan(0);
    expect(keyless.thresholds(true)).toEqual({ tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
  });

  it('unusable trusted roots are typed errors naming the file', () => {
    const attempt = (json: unknown): unknown => {
      try {
        return bundleTrust({ trustedRoot: { json, source: 'root.json' }, certificateIdentity: 'a@b.c', certificateOidcIssuer: 'https://i' });
      } catch (err) {
        return err;
      }
    };
    expect(attempt([1, 2])).toBeInstanceOf(BulwarkError);
    expect((attempt({ mediaType: 'text/plain' }) as BulwarkError).message).toContain('root.json: not a Sigstore trusted root');
    const garbageCa = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], ctlogs: [], timestampAuthorities: [], certificateAuthorities: [{ certChain: { certificates: [{ rawBytes: Buffer.from('garbage').toString('base64') }] } }] };
    expect(attempt(garbageCa)).toMatchObject({ code: 'KEY_INVALID', input: 'root.json' });
    expect(() => bundleTrust({ trustedRoot: { json: { ...garbageCa, certificateAuthorities: [] }, source: 'root.json' } })).not.toThrow();
  });
});
