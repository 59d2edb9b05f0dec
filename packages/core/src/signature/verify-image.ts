/**
 * `bulwark verify`: every cosign signature of an image in one result — tag-scheme Simple
 * Signing payloads (checked with the key) and Sigstore bundles from the referrers API (checked
 * with the key or, keyless, against a trusted root and a required identity).
 */
import type { RegistryClient } from '../registry/registry-client.js';
import { signatureTag, verifyCosignSignatures, type VerificationResult } from './cosign-signatures.js';
import { verifySigstoreBundles } from './sigstore-bundles.js';
import type { BundleTrust } from './sigstore-trust.js';

const MAX_MANIFEST = 4 * 1024 * 1024;

/** `digest` pins the image the caller already resolved. `signatures` reads tag-scheme signatures from another repository (COSIGN_REPOSITORY); bundles are always next to the image. */
export async function verifyImageSignatures(client: RegistryClient, trust: BundleTrust, signatures: RegistryClient = client, digest?: string): Promise<VerificationResult> {
  const ref = client.ref;
  const subject = await client.manifest(digest ?? ref.digest ?? ref.tag ?? 'latest', MAX_MANIFEST);
  const result: VerificationResult = trust.key
    ? await verifyCosignSignatures(client, trust.key, subject.digest, signatures)
    : { reference: ref.canonical, manifestDigest: subject.digest, signatureTag: signatureTag(subject.digest), signatures: [], verified: false };
  const bundles = await verifySigstoreBundles(client, subject, trust);
  if (bundles.source) result.bundlesAt = bundles.source;
  result.signatures.push(...bundles.checks);
  result.verified = result.signatures.some((s) => s.status === 'verified');
  return result;
}
