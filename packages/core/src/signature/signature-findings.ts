/**
 * `--verify-key` in image scans: the signature check becomes a finding (`image-signature-
 * unverified`, HIGH) that goes through the same severity filter, ignore file and
 * `--exit-code` gate as every other configuration finding.
 */
import type { MisconfigFinding } from '../model/misconfig-finding.js';
import type { SignatureVerification } from '../model/report.js';

const BASE = {
  kind: 'misconfig',
  checkId: 'image-signature-unverified',
  title: 'Image not signed by the trusted key',
  severity: 'HIGH',
  category: 'supply chain',
  configType: 'image-config',
  line: 0,
  fix: 'Sign the scanned digest with `bulwark sign --key cosign.key [--bundle]` (or cosign) and verify with the matching public key or trusted identity.',
  aliases: ['CIS-4.5'],
} as const;

/** No finding when a signature by the key covers the digest; otherwise one saying why. */
export function signatureFindings(image: string, result: SignatureVerification | { unavailable: string }): MisconfigFinding[] {
  if ('unavailable' in result) return [{ ...BASE, aliases: [...BASE.aliases], path: image, message: result.unavailable }];
  if (result.verified) return [];
  const statuses = result.signatures.map((s) => s.status);
  const message =
    statuses.length === 0
      ? `no cosign signature for ${result.manifestDigest} (looked for :${result.signatureTag} and Sigstore bundles among its referrers)`
      : `${statuses.length} signature(s) for ${result.manifestDigest}, none by the trusted key or identity over this digest (${[...new Set(statuses)].join(', ')})`;
  return [{ ...BASE, aliases: [...BASE.aliases], path: image, message }];
}
