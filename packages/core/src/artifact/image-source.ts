/**
 * What every image format resolves to: one selected image (config + ordered layers) and the
 * store its blobs live in. Format readers produce it; the scanner consumes it.
 */
import type { BlobStore } from './blob-store.js';
import type { Problem } from '../model/problem.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface LayerSource {
  index: number;
  /** Archive member holding the blob. */
  member: string;
  /** Content address of the blob as stored (verified while reading), when the format has one. */
  digest?: string;
  /** diff_id the image config claims for this layer. */
  claimedDiffId?: string;
  mediaType?: string;
  createdBy?: string;
}

/** The subset of the OCI/Docker image config Bulwark uses. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    ExposedPorts?: Record<string, unknown>;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] };
  };
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: { created_by?: string; empty_layer?: boolean; created?: string }[];
}

export interface ImageSource {
  format: 'docker-archive' | 'oci-layout' | 'oci-archive' | 'registry' | 'docker-engine' | 'podman-engine';
  input: string;
  store: BlobStore;
  config: ImageConfig;
  configDigest?: string;
  manifestDigest?: string;
  repoTags: string[];
  /** `registry/repository@sha256:…` of the manifest, for images pulled from a registry. */
  repoDigests?: string[];
  layers: LayerSource[];
  problems: Problem[];
}

export interface OpenImageOptions {
  /** `os/arch[/variant]`; explicit platforms must match, the default is a preference. */
  platform?: string;
  /** Pick one image in a multi-image archive by tag or OCI ref name. */
  select?: string;
  maxMetadataSize: number;
}
