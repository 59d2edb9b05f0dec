/**
 * Which layer introduced a package: walking the package database's versions from the top
 * layer down, the lowest layer of the unbroken run in which the package was present at the
 * same version. (A package removed and re-installed is attributed to the re-install.)
 */
import type { LayerRef } from '../../model/package.js';
import type { FinalResult } from '../analyzer.js';

export function introducedIn<T>(
  history: readonly FinalResult<T>[],
  present: (data: T) => boolean,
): LayerRef | undefined {
  let origin: LayerRef | undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const version = history[i] as FinalResult<T>;
    if (!present(version.data)) break;
    origin = version.layer;
  }
  return origin;
}
