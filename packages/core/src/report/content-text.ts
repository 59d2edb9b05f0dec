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

/** The same story in a few words, for table cells. */
export function layerStoryShort(f: SecretFinding | MalwareFinding): string {
  if (f.kind === 'secret' && f.source === 'image-config') return 'image config';
  const layer = f.layer;
  if (!layer) return '';
  const added = `layer ${layer.addedIn.index}`;
  if (!layer.removedIn) return `${added}, in final filesystem`;
  return `${added}, ${layer.removal === 'overwritten' ? 'overwritten' : 'deleted'} in ${layer.removedIn.index}: still in image`;
}

export function secretWhere(f: SecretFinding): string {
  if (f.source === 'image-config') return f.path;
  return `${f.path}:${f.line}${f.endLine ? `-${f.endLine}` : `:${f.column}`}`;
}

export function formatBytes(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(n % 1048576 === 0 ? 0 : 1)} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

export function contentMessage(f: SecretFinding | MalwareFinding): string {
  const story = layerStory(f.layer);
  if (f.kind === 'secret') return `${f.title} (${f.ruleId}) at ${secretWhere(f)}: ${f.match}${story ? `; ${story}` : ''}. Rotate the credential and rebuild without it.`;
  return `Malware ${f.signature} (${f.engine} signature) in ${f.path}${story ? `; ${story}` : ''}.`;
}
