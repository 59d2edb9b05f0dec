/**
 * The result of one scan: what was scanned (target metadata, layers), what it contains
 * (OS, packages) and what went wrong on the way (problems). Reporters render this.
 */
import type { OsInfo, Package } from './package.js';
import type { Problem } from './problem.js';
import type { VulnerabilityFinding } from './finding.js';
import type { MalwareFinding, SecretFinding } from './content-finding.js';
import type { MisconfigFinding } from './misconfig-finding.js';

export interface LayerSummary {
  index: number;
  diffId: string;
  digest?: string;
  /** Uncompressed size in bytes. */
  size: number;
  mediaType?: string;
  /** `created_by` from the image history, when known. */
  createdBy?: string;
  cached: boolean;
}

export interface ImageMetadata {
  /** sha256 of the image config blob (the image ID). */
  imageId?: string;
  manifestDigest?: string;
  repoTags: string[];
  repoDigests: string[];
  platform?: { os: string; architecture: string; variant?: string };
  config?: ImageConfigSummary;
}

export interface ImageConfigSummary {
  user?: string;
  env?: string[];
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  exposedPorts?: string[];
  labels?: Record<string, string>;
  created?: string;
}

export type ArtifactKind = 'container-image' | 'rootfs' | 'filesystem' | 'sbom' | 'config';

export interface ScanReport {
  schemaVersion: 1;
  tool: { name: 'bulwark'; version: string };
  /** When the scan ran (ISO 8601). */
  createdAt: string;
  artifact: {
    kind: ArtifactKind;
    /** What the user typed (a path or reference). */
    name: string;
    /** Detected input format: docker-archive, oci-layout, oci-archive, rootfs. */
    format: string;
    image?: ImageMetadata;
    layers: LayerSummary[];
  };
  os?: OsInfo;
  packages: Package[];
  /** Present when vulnerability scanning ran (`--scanners vuln`). */
  vulnerabilities?: VulnerabilityFinding[];
  /** Present when secret scanning ran (`--scanners secret`). */
  secrets?: SecretFinding[];
  /** Present when malware scanning ran (`--scanners malware`). */
  malware?: MalwareFinding[];
  /** What the content scanners read. */
  contentScan?: ContentScanSummary;
  /** Present when configuration checks ran (`bulwark config`). */
  misconfigurations?: MisconfigFinding[];
  /** Present when the image's signatures were checked (`--verify-key`). */
  signature?: SignatureVerification;
  /** Configuration findings hidden by inline `bulwark:ignore`, the ignore file or --severity. */
  suppressedMisconfigurations?: { finding: MisconfigFinding; by: string; reason: string }[];
  /** Secret and malware findings hidden by the severity filter or ignore rules. */
  suppressedContent?: { finding: SecretFinding | MalwareFinding; by: string; reason: string }[];
  /** Findings hidden by filters, ignore rules or VEX, with the reason (kept for audit). */
  suppressed?: { finding: VulnerabilityFinding; by: string; reason: string }[];
  problems: Problem[];
  timings: Record<string, number>;
}

export type SignatureStatus = 'verified' | 'bad-signature' | 'wrong-digest' | 'wrong-identity' | 'malformed';

/** Cosign signatures found for an image digest (tag scheme and Sigstore bundles), each checked against the given trust. */
export interface SignatureVerification {
  reference: string;
  manifestDigest: string;
  signatureTag: string;
  /** Where Sigstore bundles were listed: `referrers API` or `tag sha256-<hex>` (absent when none were). */
  bundlesAt?: string;
  signatures: {
    /** Digest of the payload layer (tag scheme) or of the bundle blob. */
    payloadDigest: string;
    /** Tag-scheme Simple Signing payload (cosign v2) or Sigstore bundle (cosign v3); absent means the tag scheme. */
    scheme?: 'simple-signing' | 'sigstore-bundle';
    status: SignatureStatus;
    reason?: string;
    /** `critical.identity.docker-reference` as signed (informational, as in cosign). */
    dockerReference?: string;
    /** The signature carries a Fulcio certificate (keyless). */
    keyless: boolean;
    /** The certificate identity of a verified keyless signature. */
    identity?: { subjectAlternativeName?: string; issuer?: string };
  }[];
  verified: boolean;
}

export interface ContentScanSummary {
  scanners: ('secret' | 'malware')[];
  filesScanned: number;
  bytesScanned: number;
  /** Files over the size limit that were not read. */
  skippedLarge: number;
  maxFileSize: number;
  malwareDatabase?: { source: string; signatures: number; unsupported: number };
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.level === 'error');
}
