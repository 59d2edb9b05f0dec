/**
 * Decides what kind of configuration a file is, from its name first and its content second:
 * Dockerfile/Containerfile, Kubernetes manifest (apiVersion + kind), Docker Compose file,
 * GitHub Actions workflow, GitLab CI file, Distribution registry config. Unknown files are skipped.
 */
import type { ConfigType } from '../model/misconfig-finding.js';

export const CONFIG_TYPES: readonly ConfigType[] = ['dockerfile', 'kubernetes', 'compose', 'github-actions', 'gitlab-ci', 'registry-config'];

export function detectConfigType(path: string, head: string): ConfigType | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const lower = name.toLowerCase();
  if (/^(?:docker|container)file(?:[.-].*)?$/i.test(name) || lower.endsWith('.dockerfile') || lower.endsWith('.containerfile')) return 'dockerfile';
  if (!/\.ya?ml$/.test(lower)) return undefined;
  if (/(?:^|\/)\.github\/workflows\/[^/]+$/.test(path)) return 'github-actions';
  if (lower === '.gitlab-ci.yml' || lower.endsWith('.gitlab-ci.yml')) return 'gitlab-ci';
  if (/^(?:docker-)?compose(?:[.-].*)?\.ya?ml$/.test(lower)) return 'compose';
  if (/^[ \t]*apiVersion[ \t]*:/m.test(head) && /^[ \t]*kind[ \t]*:/m.test(head)) return 'kubernetes';
  if (/^services\s*:/m.test(head)) return 'compose';
  // Distribution's config.yml: `version: 0.1` with top-level storage and http sections.
  if (/^version\s*:\s*['"]?0\.1['"]?\s*$/m.test(head) && /^storage\s*:/m.test(head) && /^http\s*:/m.test(head)) return 'registry-config';
  return undefined;
}
