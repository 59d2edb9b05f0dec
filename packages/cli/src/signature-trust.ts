/**
 * The trust a signature check uses, from command-line flags: a public key file and/or an offline
 * Sigstore trusted root with the identity a keyless signer must carry. Shared by `verify` and
 * `image --verify-*`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { BulwarkError, bundleTrust, loadPublicKey, type BundleTrust } from '@bulwark/core';

export interface VerifyFlags {
  key?: string;
  trustedRoot?: string;
  certificateIdentity?: string;
  certificateOidcIssuer?: string;
}

function readTrustFile(path: string, what: string): string {
  if (!existsSync(path)) throw new BulwarkError('INPUT_NOT_FOUND', path, `no such ${what}`);
  return readFileSync(path, 'utf8');
}

export function trustFrom(flags: VerifyFlags, names = { key: '--key', trustedRoot: '--trusted-root', identity: '--certificate-identity', issuer: '--certificate-oidc-issuer' }): BundleTrust {
  if (!flags.key && !flags.trustedRoot) throw new BulwarkError('USAGE', 'verify', `give ${names.key} (keyed signatures) or ${names.trustedRoot} with ${names.identity} and ${names.issuer} (keyless)`);
  let trustedRoot: { json: unknown; source: string } | undefined;
  // With a key, the root may serve only to check keyed bundles' log entries; without one it is for keyless signatures.
  if (flags.trustedRoot && !flags.key && (!flags.certificateIdentity || !flags.certificateOidcIssuer)) throw new BulwarkError('USAGE', flags.trustedRoot, `keyless verification needs ${names.identity} and ${names.issuer} (who must have signed)`);
  if (Boolean(flags.certificateIdentity) !== Boolean(flags.certificateOidcIssuer)) throw new BulwarkError('USAGE', 'verify', `${names.identity} and ${names.issuer} go together`);
  if (flags.trustedRoot) {
    const text = readTrustFile(flags.trustedRoot, 'trusted root file');
    try {
      trustedRoot = { json: JSON.parse(text) as unknown, source: flags.trustedRoot };
    } catch {
      throw new BulwarkError('KEY_INVALID', flags.trustedRoot, 'the trusted root is not JSON');
    }
  }
  return bundleTrust({
    ...(flags.key ? { key: loadPublicKey(readTrustFile(flags.key, 'key file'), flags.key) } : {}),
    ...(trustedRoot ? { trustedRoot } : {}),
    ...(flags.certificateIdentity ? { certificateIdentity: flags.certificateIdentity } : {}),
    ...(flags.certificateOidcIssuer ? { certificateOidcIssuer: flags.certificateOidcIssuer } : {}),
  });
}
