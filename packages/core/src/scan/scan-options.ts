/**
 * Options shared by every scan entry point, and the progress events a front end may draw.
 */
import type { LayerCache } from '../cache/layer-cache.js';
import type { ContentScanner } from '../content/content-scanner.js';
import type { ConfigScanOptions } from '../misconfig/scan-config.js';
import type { AdvisoryStore } from '../vuln/db/store.js';
import type { PolicyOptions } from '../policy/suppression.js';
import type { ScanLimits } from '../util/limits.js';

export type ProgressEvent =
  | { type: 'layers'; total: number; cached: number; bytes: number }
  | { type: 'bytes'; layer: number; bytes: number }
  | { type: 'layer-done'; layer: number };

export interface ScanOptions {
  platform?: string;
  select?: string;
  limits: ScanLimits;
  cache?: LayerCache;
  /** Layers read at once (random-access archives). */
  concurrency?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Override what the report calls the input (defaults to the path). */
  name?: string;
  /** Keep development-only dependencies of lockfiles (default: dropped, as Trivy does). */
  includeDevDeps?: boolean;
  /** Match the inventory against this advisory store (vulnerability scanning). */
  advisories?: AdvisoryStore;
  /** Read the image by name (`bulwark image nginx:1.25`): from a registry with these options… */
  registry?: import('../registry/open-registry-image.js').RegistryOptions;
  /** …after trying these sources in order (default docker, podman, registry). */
  imageSources?: readonly import('../engine/open-named-image.js').ImageSourceKind[];
  /** `--verify-key` / `--verify-trusted-root`: check the image's cosign signatures and Sigstore bundles (a finding when none verifies). */
  signatureTrust?: import('../signature/sigstore-trust.js').BundleTrust;
  /** Scratch directory for images saved from an engine (removed after the scan). */
  tempDir?: string;
  /** `--vuln-severity-source`: raters to take severity from, in order. */
  severitySources?: string[];
  /** Configuration checks (`--scanners misconfig`): image config for images, config files for directories. */
  misconfig?: ConfigScanOptions;
  /** Secret and malware scanning of file contents (`--scanners secret,malware`). */
  content?: ContentScanner;
  /** Filters, ignore rules and VEX applied to the findings. */
  policy?: PolicyOptions & { ignoreFile?: string };
}
