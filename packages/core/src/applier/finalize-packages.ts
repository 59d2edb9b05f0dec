/**
 * Last step of every inventory: language packages whose files an OS package owns are dropped
 * (the OS package is reported and matched instead), the same package found through several
 * files becomes one package with several locations, and dev-only dependencies are removed
 * unless asked for.
 */
import type { Package } from '../model/package.js';
import { INSTALLED_SOURCES } from '../analyze/lang/registry.js';

export interface FinalizeOptions {
  includeDevDeps: boolean;
}

const OS_TYPES = new Set(['deb', 'apk', 'rpm']);

export function finalizePackages(packages: readonly Package[], options: FinalizeOptions): Package[] {
  const osOwned = new Set<string>();
  for (const p of packages) if (OS_TYPES.has(p.type)) for (const f of p.files) osOwned.add(f);
  const merged = new Map<string, { pkg: Package; lockDev: boolean[] }>();
  const out: Package[] = [];
  for (const p of packages) {
    if (OS_TYPES.has(p.type)) {
      out.push(p);
      continue;
    }
    const file = p.locations[0]?.path.split('!/')[0] ?? '';
    if (osOwned.has(file)) continue;
    const fromLock = !INSTALLED_SOURCES.has(p.source ?? '');
    const existing = merged.get(p.purl);
    if (!existing) {
      merged.set(p.purl, { pkg: { ...p, locations: [...p.locations] }, lockDev: fromLock ? [p.dev === true] : [] });
      continue;
    }
    if (fromLock && INSTALLED_SOURCES.has(existing.pkg.source ?? '')) {
      // A lockfile knows more (relationship, graph) than an installed manifest: it leads.
      existing.pkg = { ...p, locations: [...p.locations, ...existing.pkg.locations], licenses: p.licenses.length ? p.licenses : existing.pkg.licenses };
    } else existing.pkg.locations.push(...p.locations);
    if (fromLock) existing.lockDev.push(p.dev === true);
    if (p.relationship === 'direct' || (p.relationship === 'root' && existing.pkg.relationship !== 'direct')) existing.pkg.relationship = p.relationship;
    if (p.dependsOn) existing.pkg.dependsOn = [...new Set([...(existing.pkg.dependsOn ?? []), ...p.dependsOn])].sort();
    if (existing.pkg.licenses.length === 0) existing.pkg.licenses = p.licenses;
  }
  for (const { pkg, lockDev } of merged.values()) {
    const dev = lockDev.length > 0 && lockDev.every(Boolean);
    if (dev) pkg.dev = true;
    else delete pkg.dev;
    if (dev && !options.includeDevDeps) continue;
    out.push(pkg);
  }
  return out;
}
