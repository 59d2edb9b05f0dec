/**
 * Reads Kubernetes manifests: multi-document YAML (and `kind: List`), keeping for every
 * object a way to find the line of any field, and locating the pod spec of every workload
 * kind (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController,
 * PodTemplate) with its containers, init containers and ephemeral containers.
 */
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { Problem } from '../../model/problem.js';
import { isRecord, list, type Json } from '../values.js';

export { isRecord, list, type Json };

export type YamlPath = readonly (string | number)[];

export interface K8sObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  path: string;
  body: Json;
  /** 1-based line of the deepest existing node on `path` (relative to the object). */
  lineOf(path: YamlPath): number;
  resource: string;
}

export interface PodSpecRef {
  object: K8sObject;
  spec: Json;
  /** Where the pod spec sits inside the object. */
  at: YamlPath;
  /** The pod template's metadata (annotations for AppArmor), when any. */
  metadata?: Json;
  metadataAt?: YamlPath;
}

export interface ContainerRef {
  pod: PodSpecRef;
  container: Json;
  at: YamlPath;
  list: 'containers' | 'initContainers' | 'ephemeralContainers';
  name: string;
}

const POD_SPEC_AT: Record<string, YamlPath> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};


export function get(obj: unknown, path: YamlPath): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (typeof key === 'number') cur = Array.isArray(cur) ? cur[key] : undefined;
    else cur = isRecord(cur) ? cur[key] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function parseManifests(text: string, path: string): { objects: K8sObject[]; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  const problems: Problem[] = [];
  const objects: K8sObject[] = [];
  const documents: Document[] = Array.isArray(docs) ? docs : [docs as unknown as Document];
  for (const doc of documents) {
    const error = doc.errors[0];
    if (error) {
      const line = lineCounter.linePos(error.pos[0]).line;
      problems.push({ level: 'error', code: 'MALFORMED_CONFIG', input: `${path}:${line}`, message: `invalid YAML: ${error.message.split('\n')[0]}` });
      continue;
    }
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      problems.push({ level: 'error', code: 'MALFORMED_CONFIG', input: path, message: `invalid YAML: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    const lineAt = (base: YamlPath) => (rel: YamlPath): number => {
      const full = [...base, ...rel];
      for (let n = full.length; n >= 0; n--) {
        const node = doc.getIn(full.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node && Array.isArray(node.range)) return lineCounter.linePos(node.range[0]).line;
      }
      return 1;
    };
    const add = (body: unknown, base: YamlPath): void => {
      if (!isRecord(body) || typeof body.kind !== 'string') return;
      if (body.kind.endsWith('List') && Array.isArray(body.items)) {
        body.items.forEach((item, i) => add(item, [...base, 'items', i]));
        return;
      }
      const metadata = isRecord(body.metadata) ? body.metadata : {};
      const name = typeof metadata.name === 'string' ? metadata.name : '(unnamed)';
      const obj: K8sObject = { kind: body.kind, apiVersion: String(body.apiVersion ?? ''), name, path, body, lineOf: lineAt(base), resource: `${body.kind}/${name}` };
      if (typeof metadata.namespace === 'string') obj.namespace = metadata.namespace;
      objects.push(obj);
    };
    add(js, []);
  }
  return { objects, problems };
}

export function podSpecOf(object: K8sObject): PodSpecRef | undefined {
  const at = POD_SPEC_AT[object.kind];
  if (!at) return undefined;
  const spec = get(object.body, at);
  if (!isRecord(spec)) return undefined;
  const metadataAt = object.kind === 'Pod' ? ['metadata'] : [...at.slice(0, -1), 'metadata'];
  const metadata = get(object.body, metadataAt);
  return { object, spec, at, ...(isRecord(metadata) ? { metadata, metadataAt } : {}) };
}

export function containersOf(pod: PodSpecRef): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const listName of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    list(pod.spec[listName]).forEach((c, i) => {
      if (isRecord(c)) out.push({ pod, container: c, at: [...pod.at, listName, i], list: listName, name: typeof c.name === 'string' ? c.name : `${listName}[${i}]` });
    });
  }
  return out;
}
