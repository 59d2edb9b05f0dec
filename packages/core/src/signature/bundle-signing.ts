/**
 * `bulwark sign --bundle`: signs an image the way cosign v3 does by default — a DSSE envelope
 * around an in-toto statement whose subject is the image digest, in a Sigstore bundle (v0.3,
 * keyed: no certificate, no log entry) attached as an OCI artifact whose `subject` is the image.
 * Registries without the referrers API get the fallback tag index `sha256-<hex>` updated.
 */
import { createHash, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { bundleToJSON, toDSSEBundle } from '@sigstore/bundle';
import { dsse } from '@sigstore/core';
import { isRecord, jsonRecord } from '../artifact/media-types.js';
import { referrersTag, type RegistryClient } from '../registry/registry-client.js';
import { BUNDLE_ARTIFACT_PREFIX, IN_TOTO_PAYLOAD_TYPE } from './sigstore-bundles.js';

const BUNDLE_MEDIA_TYPE = `${BUNDLE_ARTIFACT_PREFIX}.v0.3+json`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
/** cosign's predicate type for an image signature in a bundle. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const MAX_MANIFEST = 4 * 1024 * 1024;

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** The in-toto statement cosign signs for an image: the digest is the subject. */
export function imageStatement(repository: string, manifestDigest: string): Buffer {
  const hex = manifestDigest.replace(/^sha256:/, '');
  return Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: repository, digest: { sha256: hex } }], predicateType: COSIGN_SIGN_PREDICATE, predicate: {} }));
}

/** A keyed Sigstore bundle (JSON bytes) signing `statement`; the key hint is the SHA-256 of the public key (SPKI DER). */
export function signedBundle(statement: Buffer, privateKey: KeyObject): Buffer {
  const signature = cryptoSign(privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256', dsse.preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, statement), privateKey);
  const keyHint = createHash('sha256').update(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })).digest('base64');
  return Buffer.from(JSON.stringify(bundleToJSON(toDSSEBundle({ artifact: statement, artifactType: IN_TOTO_PAYLOAD_TYPE, signature, keyHint }))));
}

/** Adds `descriptor` to the fallback referrers index of `subjectDigest` (created when missing). */
async function addToFallbackIndex(client: RegistryClient, subjectDigest: string, descriptor: Descriptor): Promise<string> {
  const tag = referrersTag(subjectDigest);
  const existing = await client.optionalManifest(tag, MAX_MANIFEST);
  let manifests: unknown[] = [];
  const json = existing ? jsonRecord(existing.body) : undefined;
  if (json && Array.isArray(json.manifests)) manifests = json.manifests.filter((m) => !(isRecord(m) && m.digest === descriptor.digest));
  manifests.push(descriptor);
  await client.putManifest(tag, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests })), OCI_INDEX);
  return tag;
}

/**
 * Attaches bundle bytes to `subject` (a manifest of the client's repository) as an OCI
 * artifact, listed by the referrers API or in the fallback tag index; returns where.
 */
export async function attachBundle(client: RegistryClient, subject: { digest: string; mediaType: string; size: number }, bundle: Buffer, annotations: Record<string, string>): Promise<{ bundleManifest: string; listedAt: string }> {
  const bundleDigest = await client.putBlob(bundle);
  const empty = Buffer.from('{}');
  const emptyDigest = await client.putBlob(empty);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: BUNDLE_MEDIA_TYPE,
      config: { mediaType: OCI_EMPTY, digest: emptyDigest, size: empty.length },
      layers: [{ mediaType: BUNDLE_MEDIA_TYPE, digest: bundleDigest, size: bundle.length, annotations: { 'org.opencontainers.image.title': `${bundleDigest.replace(':', '-')}.sigstore.json` } }],
      subject,
      annotations,
    }),
  );
  const bundleManifest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  await client.putManifest(bundleManifest, manifest, OCI_MANIFEST);
  const listedAt = (await client.hasReferrersApi(subject.digest)) ? 'referrers API' : `tag ${await addToFallbackIndex(client, subject.digest, { mediaType: OCI_MANIFEST, digest: bundleManifest, size: manifest.length, artifactType: BUNDLE_MEDIA_TYPE, annotations })}`;
  return { bundleManifest, listedAt };
}

/** Signs the image and attaches the bundle; returns where it went. */
export async function signWithBundle(client: RegistryClient, privateKey: KeyObject): Promise<{ manifestDigest: string; bundleManifest: string; listedAt: string }> {
  const ref = client.ref;
  const subject = await client.manifest(ref.digest ?? ref.tag ?? 'latest', MAX_MANIFEST);
  const bundle = signedBundle(imageStatement(`${ref.registry}/${ref.repository}`, subject.digest), privateKey);
  const annotations = { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE, 'org.opencontainers.image.created': new Date().toISOString() };
  const attached = await attachBundle(client, { mediaType: subject.mediaType, digest: subject.digest, size: subject.body.length }, bundle, annotations);
  return { manifestDigest: subject.digest, ...attached };
}
