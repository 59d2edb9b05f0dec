/**
 * Shared npm-family graph logic: from the project's direct dependencies, mark which locked
 * packages are reachable from production dependencies (the rest are dev-only) and which are
 * direct or transitive.
 */
import type { LangPkg } from '../lang-package.js';

export interface DirectDeps {
  prod: readonly string[];
  dev: readonly string[];
}

/**
 * `packages` keyed by `name@version`; `resolve(name, from)` finds the key a dependency name
 * resolves to from a package (or from the root when `from` is undefined).
 */
export function classify(packages: Map<string, LangPkg>, direct: DirectDeps, resolve: (name: string, from: string | undefined) => string | undefined): void {
  const reach = (roots: readonly string[]): Set<string> => {
    const seen = new Set<string>();
    const stack = roots.map((n) => resolve(n, undefined)).filter((k): k is string => k !== undefined);
    while (stack.length > 0) {
      const key = stack.pop() as string;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const dep of packages.get(key)?.dependsOn ?? []) if (!seen.has(dep)) stack.push(dep);
    }
    return seen;
  };
  const prod = reach(direct.prod);
  const directKeys = new Set([...direct.prod, ...direct.dev].map((n) => resolve(n, undefined)).filter((k): k is string => k !== undefined));
  for (const [key, pkg] of packages) {
    if (pkg.relationship === 'root') continue;
    pkg.relationship = directKeys.has(key) ? 'direct' : 'indirect';
    if (!prod.has(key)) pkg.dev = true;
  }
}
