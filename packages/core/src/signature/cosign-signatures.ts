/**
 * Cosign signatures in the tag scheme: the image's manifest digest `sha256:<hex>` maps to
 * the tag `sha256-<hex>.sig`, an OCI manifest whose layers are Simple Signing payloads, each
 * with its base64 signature in the `dev.cosignproject.cosign/signature` annotation. Signing
 * adds a layer there; verifying checks every layer against a public key and the digest.
 */
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { isRecord, jsonRecord } from '../artifact/media-types.js';
import type { SignatureStatus, SignatureVerification } from '../model/report.js';
import type { ImageReference } from '../registry/reference.js';
import type { RegistryClient } from '../registry/registry-client.js';
import { buildPayload, parsePayload } from './simple-signing.js';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MAX_SIGNATURE_MANIFEST = 4 * 1024 * 1024;
const MAX_PAYLOAD = 1024 * 1024;
/** Refuse signature manifests with more layers than this (each is a fetch). */
const MAX_SIGNATURES = 256;

export const signatureTag = (manifestDigest: string): string => `${manifestDigest.replace(':', '-')}.sig`;

export type { SignatureStatus };
export type SignatureCheck = SignatureVerification['signatures'][number];
export type VerificationResult = SignatureVerification;

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

function descriptors(manifest: Buffer): Descriptor[] {
  const json = jsonRecord(manifest);
  if (!json || !Array.isArray(json.layers)) return [];
  return json.layers.filter((l): l is Descriptor => isRecord(l) && typeof l.digest === 'string' && typeof l.mediaType === 'string' && typeof l.size === 'number');
}

function verifySignature(payload: Buffer, signature: Buffer, key: KeyObject): boolean {
  try {
    return cryptoVerify(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', payload, key, signature);
  } catch {
    return false;
  }
}

/** Resolves the reference to the digest signatures are made over (the tag's manifest or index). */
export async function resolveDigest(client: RegistryClient): Promise<string> {
  const ref = client.ref;
  return ref.digest ?? (await client.manifest(ref.tag ?? 'latest', MAX_SIGNATURE_MANIFEST)).digest;
}

/**
 * Checks every signature of the image (of `digest` when the caller already resolved it).
 * `signatures` reads them from another repository (cosign's COSIGN_REPOSITORY).
 */
export async function verifyCosignSignatures(client: RegistryClient, publicKey: KeyObject, digest?: string, signatures: RegistryClient = client): Promise<VerificationResult> {
  const manifestDigest = digest ?? (await resolveDigest(client));
  const tag = signatureTag(manifestDigest);
  const result: VerificationResult = { reference: client.ref.canonical, manifestDigest, signatureTag: tag, signatures: [], verified: false };
  const signatureManifest = await signatures.optionalManifest(tag, MAX_SIGNATURE_MANIFEST);
  if (!signatureManifest) return result;
  for (const layer of descriptors(signatureManifest.body).slice(0, MAX_SIGNATURES)) {
    if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) continue;
    const keyless = Boolean(layer.annotations?.[CERTIFICATE_ANNOTATION]);
    const check = (status: SignatureStatus, reason?: string, dockerReference?: string): SignatureCheck => ({ payloadDigest: layer.digest, status, keyless, ...(reason ? { reason } : {}), ...(dockerReference !== undefined ? { dockerReference } : {}) });
    const signature = layer.annotations?.[SIGNATURE_ANNOTATION];
    if (!signature || layer.size > MAX_PAYLOAD) {
      result.signatures.push(check('malformed', signature ? 'payload larger than 1 MiB' : `no ${SIGNATURE_ANNOTATION} annotation`));
      continue;
    }
    const payload = await signatures.blobBytes(layer.digest, MAX_PAYLOAD);
    if (!verifySignature(payload, Buffer.from(signature, 'base64'), publicKey)) {
      result.signatures.push(check('bad-signature', 'the signature does not verify with this key (another key signed it, or the payload or signature was altered)'));
      continue;
    }
    const parsed = parsePayload(payload);
    if ('error' in parsed) {
      result.signatures.push(check('malformed', parsed.error));
      continue;
    }
    if (parsed.manifestDigest !== manifestDigest) {
      result.signatures.push(check('wrong-digest', `signed payload names ${parsed.manifestDigest}, the image is ${manifestDigest}`, parsed.dockerReference));
      continue;
    }
    result.signatures.push(check('verified', undefined, parsed.dockerReference));
  }
  result.verified = result.signatures.some((s) => s.status === 'verified');
  return result;
}

/** The identity recorded in the payload: the repository and tag as typed, as skopeo records it. */
export function signedIdentity(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag && !ref.digest ? `:${ref.tag}` : ''}`;
}

/**
 * Signs the image's digest and adds the signature to its `.sig` manifest (kept signatures
 * stay), in the image's repository or in `signatures` (cosign's COSIGN_REPOSITORY).
 */
export async function signWithCosignKey(client: RegistryClient, privateKey: KeyObject, annotations: Record<string, string> = {}, signatures: RegistryClient = client): Promise<{ manifestDigest: string; signatureTag: string; signatureManifest: string }> {
  const manifestDigest = await resolveDigest(client);
  const tag = signatureTag(manifestDigest);
  const payload = buildPayload(signedIdentity(client.ref), manifestDigest, Object.keys(annotations).length ? annotations : null);
  const signature = cryptoSign(privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256', payload, privateKey).toString('base64');
  const existing = await signatures.optionalManifest(tag, MAX_SIGNATURE_MANIFEST);
  const layers = existing ? descriptors(existing.body).filter((l) => l.mediaType === SIMPLE_SIGNING_MEDIA_TYPE) : [];
  const payloadDigest = await signatures.putBlob(payload);
  layers.push({ mediaType: SIMPLE_SIGNING_MEDIA_TYPE, size: payload.length, digest: payloadDigest, annotations: { [SIGNATURE_ANNOTATION]: signature } });
  const config = Buffer.from(JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } }));
  const configDigest = await signatures.putBlob(config);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: configDigest }, layers }));
  const signatureManifest = await signatures.putManifest(tag, manifest, OCI_MANIFEST);
  return { manifestDigest, signatureTag: tag, signatureManifest };
}
