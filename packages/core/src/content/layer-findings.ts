/**
 * Turns per-layer content results into findings with their layer history: for a file seen
 * in layer N, the first later layer that deletes it (whiteout, opaque directory, a parent
 * replaced) or writes the same path again. The same secret or signature at the same path in
 * several layers is one finding, added in the first and with the last layer's fate.
 */
import type { LayerRef } from '../model/package.js';
import type { LayerLifecycle, MalwareFinding, SecretFinding } from '../model/content-finding.js';
import type { LayerAnalysis } from '../walker/layer-analysis.js';
import type { LayerContent } from './content-types.js';
import { SECRET_RULES } from './secret/registry.js';

export interface ContentLayer {
  ref?: LayerRef;
  analysis?: LayerAnalysis;
  content?: LayerContent;
}

const RULES = new Map(SECRET_RULES.map((r) => [r.id, r]));
const KEYSTORE_RULES: Record<string, { category: string; title: string }> = {
  'java-keystore-private-key': { category: 'Private key', title: 'Java keystore holding a private key' },
  'pkcs12-keystore': { category: 'Private key', title: 'PKCS#12 keystore' },
};

interface Fate {
  removedIn?: LayerRef;
  removal?: 'deleted' | 'overwritten';
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

/** What later layers do to `path` after layer `index`. */
function fateOf(layers: readonly ContentLayer[], index: number, path: string, touched: readonly (LayerTouch | undefined)[]): Fate {
  for (let j = index + 1; j < layers.length; j++) {
    const t = touched[j];
    const ref = layers[j]?.ref;
    if (!t || !ref) continue;
    const parents = ancestors(path);
    if (t.whiteouts.has(path) || parents.some((p) => t.whiteouts.has(p) || t.opaque.has(p) || t.nonDirs.has(p))) return { removedIn: ref, removal: 'deleted' };
    if (t.paths.has(path)) return { removedIn: ref, removal: 'overwritten' };
  }
  return {};
}

interface LayerTouch {
  paths: Set<string>;
  nonDirs: Set<string>;
  whiteouts: Set<string>;
  opaque: Set<string>;
}

function touches(analysis: LayerAnalysis | undefined): LayerTouch | undefined {
  if (!analysis) return undefined;
  return {
    paths: new Set(analysis.entries.map((e) => e.p)),
    nonDirs: new Set(analysis.entries.filter((e) => e.t !== 'd').map((e) => e.p)),
    whiteouts: new Set(analysis.whiteouts),
    opaque: new Set(analysis.opaqueDirs),
  };
}

export function contentFindings(layers: readonly ContentLayer[]): { secrets: SecretFinding[]; malware: MalwareFinding[] } {
  const touched = layers.map((l, i) => (i === 0 ? undefined : touches(l.analysis)));
  const secrets = new Map<string, SecretFinding>();
  const malware = new Map<string, MalwareFinding>();
  layers.forEach((layer, index) => {
    for (const file of layer.content?.files ?? []) {
      const outer = file.path.split('!/')[0] as string;
      const fate = layer.ref ? fateOf(layers, index, outer, touched) : {};
      const lifecycle = (previous?: LayerLifecycle): LayerLifecycle | undefined =>
        layer.ref ? { addedIn: previous?.addedIn ?? layer.ref, ...(fate.removedIn ? { removedIn: fate.removedIn, removal: fate.removal } : {}) } : undefined;
      for (const hit of file.secrets ?? []) {
        const key = `${file.path}\0${hit.fingerprint}\0${hit.line}:${hit.column}`;
        const previous = secrets.get(key);
        const rule = RULES.get(hit.rule) ?? KEYSTORE_RULES[hit.rule];
        const finding: SecretFinding = {
          kind: 'secret',
          ruleId: hit.rule,
          category: rule?.category ?? 'Generic',
          title: hit.title ?? rule?.title ?? hit.rule,
          severity: hit.severity ?? (RULES.get(hit.rule)?.severity ?? 'HIGH'),
          source: 'file',
          path: `/${file.path}`,
          line: hit.line,
          column: hit.column,
          match: hit.match,
          fingerprint: hit.fingerprint,
          inFinalFilesystem: fate.removedIn === undefined,
        };
        if (hit.endLine !== undefined) finding.endLine = hit.endLine;
        const life = lifecycle(previous?.layer);
        if (life) finding.layer = life;
        secrets.set(key, finding);
      }
      for (const hit of file.malware ?? []) {
        const key = `${file.path}\0${hit.signature}`;
        const previous = malware.get(key);
        const finding: MalwareFinding = { kind: 'malware', signature: hit.signature, engine: hit.engine, severity: 'CRITICAL', path: `/${file.path}`, sha256: file.sha256 ?? '', inFinalFilesystem: fate.removedIn === undefined };
        const life = lifecycle(previous?.layer);
        if (life) finding.layer = life;
        malware.set(key, finding);
      }
    }
  });
  return { secrets: [...secrets.values()], malware: [...malware.values()] };
}
