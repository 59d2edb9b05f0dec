/**
 * One YAML document with line lookup, for the single-document configuration types (Compose,
 * GitHub Actions, GitLab CI): the parsed value, the 1-based line of any path, and parse
 * errors as problems naming file and line. Anchors and merge keys are resolved with a cap.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { Problem } from '../model/problem.js';

export type YamlPath = readonly (string | number)[];

export interface YamlFile {
  path: string;
  body: unknown;
  lineOf(path: YamlPath): number;
}

export function parseYamlFile(text: string, path: string): { file?: YamlFile; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, merge: true });
  const error = doc.errors[0];
  if (error) {
    return { problems: [{ level: 'error', code: 'MALFORMED_CONFIG', input: `${path}:${lineCounter.linePos(error.pos[0]).line}`, message: `invalid YAML: ${error.message.split('\n')[0]}` }] };
  }
  let body: unknown;
  try {
    body = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { problems: [{ level: 'error', code: 'MALFORMED_CONFIG', input: path, message: `invalid YAML: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  const lineOf = (p: YamlPath): number => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && Array.isArray(node.range)) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  return { file: { path, body, lineOf }, problems: [] };
}
