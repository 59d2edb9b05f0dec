/**
 * User-defined checks (`--policy DIR`): YAML files whose conditions are CEL expressions over
 * the parsed document, producing findings in the same model as the built-in checks.
 * Variables per type: `object` (each Kubernetes object), `dockerfile` (+ `instruction` with
 * `each: instruction`), `compose` (+ `name`, `service` with `each: service`), `workflow`
 * (GitHub Actions / GitLab CI; + `name`, `job` with `each: job`). A condition that cannot be
 * evaluated on a document (a missing field) does not match it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCel } from '@marcbachmann/cel-js';
import { parse as parseYaml } from 'yaml';
import { BulwarkError } from '../../model/errors.js';
import type { Severity } from '../../model/finding.js';
import type { ConfigType } from '../../model/misconfig-finding.js';
import type { Check, Hit } from '../check.js';
import type { Dockerfile } from '../dockerfile/parse-dockerfile.js';
import type { K8sObject } from '../kubernetes/parse-manifests.js';
import type { YamlFile } from '../yaml-document.js';
import { isRecord } from '../values.js';

export interface CustomChecks {
  dockerfile: Check<Dockerfile>[];
  kubernetes: Check<readonly K8sObject[]>[];
  yaml: Partial<Record<ConfigType, Check<YamlFile>[]>>;
}

interface PolicyEntry {
  id?: unknown;
  title?: unknown;
  severity?: unknown;
  type?: unknown;
  condition?: unknown;
  each?: unknown;
  fix?: unknown;
  message?: unknown;
  category?: unknown;
}

const SEVERITIES = new Set(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);
const TYPES = new Set(['dockerfile', 'kubernetes', 'compose', 'github-actions', 'gitlab-ci']);
const EACH: Record<string, string[]> = { dockerfile: ['instruction'], compose: ['service'], 'github-actions': ['job'], 'gitlab-ci': ['job'], kubernetes: [] };

type Evaluate = (vars: Record<string, unknown>) => unknown;

function evaluates(fn: Evaluate, vars: Record<string, unknown>): boolean {
  try {
    return fn(vars) === true;
  } catch {
    return false;
  }
}


/** Plain data for CEL: Maps become objects (Dockerfile flags). */
function dockerfileVars(df: Dockerfile): Record<string, unknown> {
  const instruction = (i: Dockerfile['instructions'][number]): Record<string, unknown> => ({ keyword: i.keyword, args: i.args, argv: i.argv, flags: Object.fromEntries([...i.flags].map(([k, v]) => [k, v ?? ''])), json: i.json, line: i.line, stage: i.stage });
  return { path: df.path, instructions: df.instructions.map(instruction), stages: df.stages.map((s) => ({ index: s.index, name: s.name ?? '', image: s.image, tag: s.tag ?? '', digest: s.digest ?? '', line: s.line, instructions: s.instructions.map(instruction) })) };
}

function compile(entry: PolicyEntry, file: string): { meta: Omit<Check<unknown>, 'run'>; type: ConfigType; each?: string; fn: Evaluate; message: string } {
  const where = `${file}: check ${typeof entry.id === 'string' ? entry.id : '(no id)'}`;
  if (typeof entry.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(entry.id)) throw new BulwarkError('MALFORMED_CONFIG', where, 'needs an `id` (letters, digits, . _ -)');
  if (typeof entry.type !== 'string' || !TYPES.has(entry.type)) throw new BulwarkError('MALFORMED_CONFIG', where, `\`type\` must be one of ${[...TYPES].join(', ')}`);
  if (typeof entry.condition !== 'string') throw new BulwarkError('MALFORMED_CONFIG', where, 'needs a CEL `condition`');
  const severity = String(entry.severity ?? 'MEDIUM').toUpperCase();
  if (!SEVERITIES.has(severity)) throw new BulwarkError('MALFORMED_CONFIG', where, `unknown severity '${severity}'`);
  if (entry.each !== undefined && !(EACH[entry.type] ?? []).includes(String(entry.each))) throw new BulwarkError('MALFORMED_CONFIG', where, `\`each\` for ${entry.type} can be: ${(EACH[entry.type] ?? []).join(', ') || 'nothing'}`);
  let fn: Evaluate;
  try {
    fn = parseCel(entry.condition) as unknown as Evaluate;
  } catch (err) {
    throw new BulwarkError('MALFORMED_CONFIG', where, `invalid CEL condition: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
  const title = typeof entry.title === 'string' ? entry.title : entry.id;
  return {
    meta: { id: entry.id, title, severity: severity as Severity, category: typeof entry.category === 'string' ? entry.category : 'custom', fix: typeof entry.fix === 'string' ? entry.fix : '', aliases: [] },
    type: entry.type as ConfigType,
    ...(entry.each !== undefined ? { each: String(entry.each) } : {}),
    fn,
    message: typeof entry.message === 'string' ? entry.message : title,
  };
}

/** Loads every `*.yaml`/`*.yml` file in `dir` (a list of checks, `checks: [...]`, or one check). */
export function loadCustomChecks(dir: string): CustomChecks {
  const out: CustomChecks = { dockerfile: [], kubernetes: [], yaml: {} };
  let files: string[];
  try {
    files = statSync(dir).isDirectory() ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f)) : [dir];
  } catch (err) {
    throw new BulwarkError('USAGE', dir, `cannot read the policy directory: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: 100 });
    } catch (err) {
      throw new BulwarkError('MALFORMED_CONFIG', file, `invalid YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
    }
    const entries = Array.isArray(doc) ? doc : isRecord(doc) && Array.isArray(doc.checks) ? doc.checks : [doc];
    for (const entry of entries as PolicyEntry[]) {
      const c = compile(isRecord(entry) ? entry : {}, file);
      if (c.type === 'dockerfile') {
        out.dockerfile.push({
          ...c.meta,
          run: (df) => {
            const vars = dockerfileVars(df);
            if (c.each === 'instruction') return (vars.instructions as { line: number }[]).filter((i) => evaluates(c.fn, { dockerfile: vars, instruction: i })).map((i): Hit => ({ line: i.line, message: c.message }));
            return evaluates(c.fn, { dockerfile: vars }) ? [{ line: df.stages[0]?.line ?? 1, message: c.message }] : [];
          },
        });
      } else if (c.type === 'kubernetes') {
        out.kubernetes.push({ ...c.meta, run: (objects) => objects.filter((o) => evaluates(c.fn, { object: o.body })).map((o): Hit => ({ line: o.lineOf([]), message: c.message, resource: o.resource, path: o.path })) });
      } else {
        const variable = c.type === 'compose' ? 'compose' : 'workflow';
        const collection = c.type === 'compose' ? 'services' : undefined;
        const check: Check<YamlFile> = {
          ...c.meta,
          run: (doc) => {
            if (!c.each) return evaluates(c.fn, { [variable]: doc.body }) ? [{ line: 1, message: c.message }] : [];
            const body = isRecord(doc.body) ? doc.body : {};
            const items = Object.entries(collection ? (isRecord(body[collection]) ? body[collection] : {}) : isRecord(body.jobs) ? body.jobs : c.type === 'gitlab-ci' ? body : {}).filter(([, v]) => isRecord(v));
            return items.filter(([name, item]) => evaluates(c.fn, { [variable]: body, name, [c.each as string]: item })).map(([name]): Hit => ({ line: doc.lineOf(collection ? [collection, name] : body.jobs ? ['jobs', name] : [name]), message: c.message, resource: `${c.each} ${name}` }));
          },
        };
        (out.yaml[c.type] ??= []).push(check);
      }
    }
  }
  return out;
}
