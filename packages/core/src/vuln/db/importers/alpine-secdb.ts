/**
 * Alpine secdb (`v3.x/main.json`, `community.json`): per origin package, `secfixes` maps the
 * first fixed package version to the CVEs it fixes. Version `0` lists CVEs that never
 * affected Alpine's build and is skipped.
 */
import type { Advisory } from '../advisory.js';

interface SecDb {
  distroversion?: string;
  packages?: { pkg?: { name?: string; secfixes?: Record<string, string[] | null> } }[];
}

export function isSecDb(json: unknown): json is SecDb {
  return typeof json === 'object' && json !== null && 'distroversion' in json && 'packages' in json;
}

export function secdbToAdvisories(json: SecDb): Advisory[] {
  const release = (json.distroversion ?? '').replace(/^v/, '');
  if (!release) return [];
  const byId = new Map<string, Advisory>();
  for (const { pkg } of json.packages ?? []) {
    if (!pkg?.name) continue;
    for (const [fixed, ids] of Object.entries(pkg.secfixes ?? {})) {
      if (fixed === '0') continue;
      for (const raw of ids ?? []) {
        const id = String(raw).trim().split(/\s+/)[0];
        if (!id) continue;
        const advisory = byId.get(id) ?? { id, aliases: [], cvss: [], references: [], affected: [] };
        advisory.affected.push({ namespace: `alpine:${release}`, package: pkg.name, data: { kind: 'fixed', fixed } });
        byId.set(id, advisory);
      }
    }
  }
  return [...byId.values()];
}
