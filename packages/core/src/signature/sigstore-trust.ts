/**
 * What a Sigstore bundle is checked against, given offline: a public key (`--key`), and/or a
 * Sigstore trusted root (`--trusted-root trusted_root.json`: Fulcio CAs, Rekor and CT log keys,
 * TSAs) with the certificate identity a keyless signature must carry (SAN and OIDC issuer).
 */
import type { KeyObject } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial, type VerificationPolicy, type VerifierOptions } from '@sigstore/verify';
import { isRecord } from '../artifact/media-types.js';
import { BulwarkError } from '../model/errors.js';

export interface BundleTrust {
  /** The key keyed bundles must be signed with. */
  key: KeyObject | undefined;
  /** A trusted root was given: keyless (certificate) bundles can be checked. */
  keyless: boolean;
  /** The trusted root lists transparency logs: bundle log entries are checked against them. */
  checksLogs: boolean;
  material: TrustMaterial;
  /** The identity a keyless signer's certificate must carry. */
  identityPolicy: VerificationPolicy | undefined;
  thresholds(keyless: boolean): VerifierOptions;
}

export interface TrustOptions {
  key?: KeyObject;
  /** A parsed trusted_root.json and where it came from (for errors). */
  trustedRoot?: { json: unknown; source: string };
  certificateIdentity?: string;
  certificateOidcIssuer?: string;
}

const EMPTY_ROOT = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };

function parseTrustedRoot(json: unknown, source: string): TrustedRoot {
  if (!isRecord(json) || typeof json.mediaType !== 'string' || !json.mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw new BulwarkError('KEY_INVALID', source, 'not a Sigstore trusted root (mediaType application/vnd.dev.sigstore.trustedroot+json)');
  }
  try {
    return TrustedRoot.fromJSON(json);
  } catch (err) {
    throw new BulwarkError('KEY_INVALID', source, `unreadable trusted root: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Builds the trust. Keyless bundles are checked only when an identity is required too: without
 * one, any certificate the CA issued would pass (the root then serves keyed bundles' log entries).
 */
export function bundleTrust(options: TrustOptions): BundleTrust {
  const root = options.trustedRoot ? parseTrustedRoot(options.trustedRoot.json, options.trustedRoot.source) : TrustedRoot.fromJSON(EMPTY_ROOT);
  const key = options.key;
  let material: TrustMaterial;
  try {
    // With --key, that key signs whatever hint the bundle names (as cosign --key does).
    material = toTrustMaterial(root, key ? () => ({ publicKey: key, validFor: () => true }) : undefined);
  } catch (err) {
    throw new BulwarkError('KEY_INVALID', options.trustedRoot?.source ?? '--trusted-root', `unusable trusted root: ${err instanceof Error ? err.message : String(err)}`);
  }
  const checksLogs = root.tlogs.length > 0;
  const identityPolicy = options.certificateIdentity && options.certificateOidcIssuer ? { subjectAlternativeName: options.certificateIdentity, extensions: { issuer: options.certificateOidcIssuer } } : undefined;
  return {
    key,
    keyless: root.certificateAuthorities.length > 0 && identityPolicy !== undefined,
    checksLogs,
    material,
    identityPolicy,
    thresholds: (keyless) => ({
      // A certificate is only valid at a trusted time: keyless needs one (log entry or TSA).
      tlogThreshold: checksLogs ? 1 : 0,
      ctlogThreshold: keyless && root.ctlogs.length > 0 ? 1 : 0,
      timestampThreshold: keyless ? 1 : 0,
    }),
  };
}
