/**
 * Sigstore bundles attached to an image through the OCI referrers API (cosign v3's default):
 * finding them (referrers API, else the `sha256-<hex>` fallback tag), checking each with
 * `@sigstore/verify` against the caller's trust (a key, or a trusted root for keyless), and
 * checking that what was signed is this image: the in-toto subject digest of a DSSE envelope,
 * or the message digest of a message signature.
 */
import { ValidationError, bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { PolicyError, Verifier, VerificationError, toSignedEntity, type SignedEntity } from '@sigstore/verify';
import { isRecord, jsonRecord } from '../artifact/media-types.js';
import type { SignatureStatus, SignatureVerification } from '../model/report.js';
import { BulwarkError } from '../model/errors.js';
import type { RegistryClient } from '../registry/registry-client.js';
import type { BundleTrust } from './sigstore-trust.js';

export const BUNDLE_ARTIFACT_PREFIX = 'application/vnd.dev.sigstore.bundle';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const MAX_INDEX = 4 * 1024 * 1024;
const MAX_BUNDLE_MANIFEST = 1024 * 1024;
const MAX_BUNDLE = 1024 * 1024;
/** Refuse to follow more referrers than this (each is two fetches). */
const MAX_BUNDLES = 64;

type SignatureCheck = SignatureVerification['signatures'][number];

interface Referrer {
  digest: string;
  artifactType: string;
}

function referrersOf(index: Buffer): Referrer[] {
  const json = jsonRecord(index);
  if (!json || !Array.isArray(json.manifests)) return [];
  return json.manifests.filter((m): m is Referrer => isRecord(m) && typeof m.digest === 'string' && typeof m.artifactType === 'string' && m.artifactType.startsWith(BUNDLE_ARTIFACT_PREFIX));
}

/** The bundle blob a referrer manifest carries (its one layer of a bundle media type). */
function bundleLayer(manifest: Buffer): { digest: string; size: number } | string {
  const json = jsonRecord(manifest);
  if (!json || !Array.isArray(json.layers)) return 'the referrer manifest is not an OCI manifest with layers';
  const layer = json.layers.find((l): l is { digest: string; size: number; mediaType: string } => isRecord(l) && typeof l.digest === 'string' && typeof l.size === 'number' && typeof l.mediaType === 'string' && l.mediaType.startsWith(BUNDLE_ARTIFACT_PREFIX));
  return layer ?? 'the referrer manifest has no layer of a Sigstore bundle media type';
}

/** The image digests an in-toto statement names as its subjects (`sha256:<hex>`). */
function statementSubjects(payload: Buffer): string[] | string {
  const json = jsonRecord(payload);
  if (!json || !Array.isArray(json.subject)) return 'the signed in-toto statement is not JSON with a subject list';
  return json.subject.flatMap((s) => (isRecord(s) && isRecord(s.digest) && typeof s.digest.sha256 === 'string' ? [`sha256:${s.digest.sha256.toLowerCase()}`] : []));
}

/** Whether what the bundle signs is the image `manifestDigest` names (a reason when it is not). */
function signsThisImage(bundle: Bundle, manifestDigest: string): true | string {
  const content = bundle.content;
  if (content.$case === 'dsseEnvelope') {
    const envelope = content.dsseEnvelope;
    if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return `the envelope carries ${envelope.payloadType}, not an in-toto statement`;
    const subjects = statementSubjects(envelope.payload);
    if (typeof subjects === 'string') return subjects;
    return subjects.includes(manifestDigest) ? true : `the signed statement names ${subjects.join(', ') || 'no sha256 subject'}, the image is ${manifestDigest}`;
  }
  const signed = `sha256:${content.messageSignature.messageDigest?.digest.toString('hex') ?? ''}`;
  return signed === manifestDigest ? true : `the signed message digest is ${signed}, the image is ${manifestDigest}`;
}

/** Certificate identity of a keyless signature (SAN and OIDC issuer), for the report. */
function identityOf(signer: ReturnType<Verifier['verify']>): SignatureCheck['identity'] {
  const san = signer.identity?.subjectAlternativeName;
  const issuer = signer.identity?.extensions?.issuer;
  return san || issuer ? { ...(san ? { subjectAlternativeName: san } : {}), ...(issuer ? { issuer } : {}) } : undefined;
}

/** Without transparency-log trust the entity's log entries cannot be checked: they are left out (cosign's --insecure-ignore-tlog). */
function withoutLogs(entity: SignedEntity): SignedEntity {
  return { ...entity, tlogEntries: [], timestamps: entity.timestamps.filter((t) => t.$case !== 'transparency-log') };
}

/** Checks one bundle (bytes as stored) against the trust, as a signature of `manifest`. */
export function checkBundle(bytes: Buffer, manifest: { digest: string; body: Buffer }, trust: BundleTrust, payloadDigest: string): SignatureCheck {
  const base = { payloadDigest, scheme: 'sigstore-bundle' as const };
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(JSON.parse(bytes.toString('utf8')));
  } catch (err) {
    const fields = err instanceof ValidationError ? ` (${err.fields.join(', ')})` : '';
    return { ...base, keyless: false, status: 'malformed', reason: `not a Sigstore bundle: ${err instanceof Error ? err.message : String(err)}${fields}` };
  }
  const keyless = bundle.verificationMaterial.content.$case !== 'publicKey';
  const check = (status: SignatureStatus, reason?: string, identity?: SignatureCheck['identity']): SignatureCheck => ({ ...base, keyless, status, ...(reason ? { reason } : {}), ...(identity ? { identity } : {}) });
  if (keyless && !trust.keyless) return check('bad-signature', 'a keyless (certificate) signature; give --trusted-root with --certificate-identity and --certificate-oidc-issuer to check it');
  if (!keyless && !trust.key) return check('bad-signature', 'signed with a key; give --key to check it');
  let signer: ReturnType<Verifier['verify']>;
  try {
    // A message signature is over the artifact itself: here, the manifest bytes.
    let entity = toSignedEntity(bundle, bundle.content.$case === 'messageSignature' ? manifest.body : undefined);
    if (!trust.checksLogs) entity = withoutLogs(entity);
    signer = new Verifier(trust.material, trust.thresholds(keyless)).verify(entity, keyless ? trust.identityPolicy : undefined);
  } catch (err) {
    if (err instanceof PolicyError) return check('wrong-identity', err.message);
    if (err instanceof VerificationError) return check('bad-signature', `${err.code}: ${err.message}`);
    return check('malformed', err instanceof Error ? err.message : String(err));
  }
  const bound = signsThisImage(bundle, manifest.digest);
  return bound === true ? check('verified', undefined, identityOf(signer)) : check('wrong-digest', bound, identityOf(signer));
}

const PER_ARTIFACT_ERRORS = new Set(['DIGEST_MISMATCH', 'FILE_TOO_LARGE', 'MANIFEST_UNKNOWN']);
const malformed = (payloadDigest: string, reason: string): SignatureCheck => ({ payloadDigest, scheme: 'sigstore-bundle', keyless: false, status: 'malformed', reason });

async function fetchAndCheck(client: RegistryClient, referrer: Referrer, manifest: { digest: string; body: Buffer }, trust: BundleTrust): Promise<SignatureCheck> {
  const referring = await client.optionalManifest(referrer.digest, MAX_BUNDLE_MANIFEST);
  if (!referring) return malformed(referrer.digest, `the referrer manifest ${referrer.digest} is listed but missing`);
  const layer = bundleLayer(referring.body);
  if (typeof layer === 'string') return malformed(referrer.digest, layer);
  if (layer.size > MAX_BUNDLE) return malformed(referrer.digest, 'the bundle is larger than 1 MiB');
  return checkBundle(await client.blobBytes(layer.digest, MAX_BUNDLE), manifest, trust, layer.digest);
}

/** Every Sigstore bundle that refers to the image, each checked; `source` says where they were listed. */
export async function verifySigstoreBundles(client: RegistryClient, manifest: { digest: string; body: Buffer }, trust: BundleTrust): Promise<{ source?: string; checks: SignatureCheck[] }> {
  const index = await client.referrers(manifest.digest, MAX_INDEX);
  if (!index) return { checks: [] };
  const checks: SignatureCheck[] = [];
  for (const referrer of referrersOf(index.body).slice(0, MAX_BUNDLES)) {
    try {
      checks.push(await fetchAndCheck(client, referrer, manifest, trust));
    } catch (err) {
      // One bad artifact (altered, oversized) is its own result; the other signatures still count.
      if (!(err instanceof BulwarkError) || !PER_ARTIFACT_ERRORS.has(err.code)) throw err;
      checks.push(malformed(referrer.digest, err.message));
    }
  }
  return { source: index.source, checks };
}
