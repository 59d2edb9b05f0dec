/**
 * Shared wording for secret and malware findings across reporters: where the file is and
 * what its layer history means for the user ("removed in layer 3 — still extractable").
 */
import type { LayerLifecycle, MalwareFinding, SecretFinding } from '../model/content-finding.js';

const short = (d: string): string => d.replace(/^sha256:/, '').slice(0, 12);

export function layerStory(layer: LayerLifecycle | undefined): string {
  if (!layer) return '';
  const added = `added in layer ${layer.addedIn.index} (${short(layer.addedIn.diffId)})`;
  if (!layer.removedIn) return `${added}, present in the final filesystem`;
  const how = layer.removal === 'overwritten' ? 'overwritten' : 'deleted';
  return `${added}, ${how} in layer ${layer.removedIn.index} (${short(layer.removedIn.diffId)}) — still extractable from the image`;
}

export function secretWhere(f: SecretFinding): string {
  return `${f.path}:${f.line}${f.endLine ? `-${f.endLine}` : `:${f.column}`}`;
}

export function contentMessage(f: SecretFinding | MalwareFinding): string {
  const story = layerStory(f.layer);
  if (f.kind === 'secret') return `${f.title} (${f.ruleId}) at ${secretWhere(f)}: ${f.match}${story ? `; ${story}` : ''}. Rotate the credential and rebuild without it.`;
  return `Malware ${f.signature} (${f.engine} signature) in ${f.path}${story ? `; ${story}` : ''}.`;
}
