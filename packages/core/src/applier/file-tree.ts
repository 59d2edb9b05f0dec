/**
 * The merged filesystem of an image as metadata only: layers applied bottom to top with
 * overlay semantics (whiteouts delete, opaque directories hide everything below them), each
 * node remembering the layer that last wrote it. Also answers in-root symlink resolution.
 */
import type { EntryMeta, LayerAnalysis } from '../walker/layer-analysis.js';
import type { EntryLookup } from '../util/paths.js';

interface Node {
  meta: EntryMeta | undefined;
  layer: number;
  children: Map<string, Node> | undefined;
}

export interface TreeEntry {
  meta: EntryMeta;
  layer: number;
}

export class FileTree implements EntryLookup {
  private readonly root: Node = { meta: undefined, layer: -1, children: new Map() };

  private find(path: string): Node | undefined {
    let node: Node | undefined = this.root;
    for (const part of path.split('/')) {
      node = node?.children?.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  private ensureParent(path: string, layer: number): Node {
    const parts = path.split('/');
    let node = this.root;
    for (const part of parts.slice(0, -1)) {
      node.children ??= new Map();
      let child = node.children.get(part);
      if (!child || !child.children) {
        // Missing parent or a non-directory in the way: an implicit directory takes its place.
        child = { meta: undefined, layer, children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
    return node;
  }

  private remove(path: string): void {
    const parts = path.split('/');
    const name = parts.pop() as string;
    const parent = parts.length === 0 ? this.root : this.find(parts.join('/'));
    parent?.children?.delete(name);
  }

  /** Apply one layer on top of what is already there. */
  applyLayer(layer: number, analysis: Pick<LayerAnalysis, 'entries' | 'whiteouts' | 'opaqueDirs'>): void {
    for (const dir of analysis.opaqueDirs) {
      const node = dir === '' ? this.root : this.find(dir);
      if (node?.children) node.children = new Map();
    }
    for (const path of analysis.whiteouts) this.remove(path);
    for (const meta of analysis.entries) {
      const parent = this.ensureParent(meta.p, layer);
      const name = meta.p.slice(meta.p.lastIndexOf('/') + 1);
      const existing = parent.children?.get(name);
      if (meta.t === 'd') {
        if (existing?.children) {
          existing.meta = meta;
          existing.layer = layer;
        } else parent.children?.set(name, { meta, layer, children: new Map() });
      } else {
        parent.children?.set(name, { meta, layer, children: undefined });
      }
    }
  }

  get(path: string): TreeEntry | undefined {
    const node = this.find(path);
    if (!node) return undefined;
    const meta = node.meta ?? { p: path, t: 'd' as const };
    return { meta, layer: node.layer };
  }

  lookup(path: string): { type: 'file' | 'dir' | 'symlink' | 'other'; linkTarget?: string } | undefined {
    const node = this.find(path);
    if (!node) return undefined;
    const t = node.meta?.t ?? 'd';
    if (t === 'l') return { type: 'symlink', linkTarget: node.meta?.l ?? '' };
    return { type: t === 'f' || t === 'h' ? 'file' : t === 'd' ? 'dir' : 'other' };
  }

  /** Every entry in the final filesystem (depth first). */
  *walk(): Generator<TreeEntry> {
    const stack: [string, Node][] = [['', this.root]];
    while (stack.length > 0) {
      const [path, node] = stack.pop() as [string, Node];
      if (path) yield { meta: node.meta ?? { p: path, t: 'd' }, layer: node.layer };
      if (node.children) for (const [name, child] of node.children) stack.push([path ? `${path}/${name}` : name, child]);
    }
  }
}
