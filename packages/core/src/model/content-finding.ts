/**
 * Findings from reading file contents: exposed secrets and malware. Both carry where the
 * file is and, in images, its layer history: the layer that added it and the layer that
 * deleted or overwrote it — a file removed later is gone from the running container but
 * still extractable from the image. Pure data.
 */
import type { Severity } from './finding.js';
import type { LayerRef } from './package.js';

export interface LayerLifecycle {
  addedIn: LayerRef;
  /** The later layer that deleted (whiteout) or overwrote the file, if any. */
  removedIn?: LayerRef;
  removal?: 'deleted' | 'overwritten';
}

/** Where the content was found: a file (archive members as `a.jar!/b`), or the image config. */
export type ContentSource = 'file' | 'image-config';

export interface SecretFinding {
  kind: 'secret';
  ruleId: string;
  category: string;
  title: string;
  severity: Severity;
  source: ContentSource;
  /** Image-relative path with a leading '/', or the config field ("config.Env[2]"). */
  path: string;
  line: number;
  column: number;
  endLine?: number;
  /** Redacted: first characters and length, never the whole secret. */
  match: string;
  fingerprint: string;
  layer?: LayerLifecycle;
  /** False when a later layer removed the file: only the layer blob still holds it. */
  inFinalFilesystem: boolean;
}

export interface MalwareFinding {
  kind: 'malware';
  signature: string;
  engine: 'hash' | 'body' | 'logical' | 'builtin';
  severity: 'CRITICAL';
  path: string;
  sha256: string;
  layer?: LayerLifecycle;
  inFinalFilesystem: boolean;
}
