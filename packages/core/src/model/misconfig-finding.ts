/**
 * A configuration finding: one check failing on one place of one file (Dockerfile,
 * Kubernetes manifest, Compose file, CI workflow or an image's config), with the line, a fix
 * hint, and the ids other tools use for the same check. Pure data.
 */
import type { Severity } from './finding.js';

export type ConfigType = 'dockerfile' | 'kubernetes' | 'compose' | 'github-actions' | 'gitlab-ci' | 'registry-config' | 'image-config';

export interface MisconfigFinding {
  kind: 'misconfig';
  /** Stable kebab-case id, used by `# bulwark:ignore[id]` and the ignore file. */
  checkId: string;
  title: string;
  severity: Severity;
  category: string;
  configType: ConfigType;
  path: string;
  /** 1-based; 0 when the finding is about the file as a whole. */
  line: number;
  endLine?: number;
  /** Kubernetes object or Compose service the finding is about, e.g. `Deployment/web`. */
  resource?: string;
  message: string;
  fix: string;
  /** The same check in other tools (hadolint, Trivy, Checkov, CIS, PSS), so their ids keep working. */
  aliases: string[];
}
