/**
 * Resolves a rule's targets against the transaction's variables: scalars, keyed collections
 * (literal and regex keys, case-insensitive), `&` counts, `!` exclusions (from the rule, from
 * SecRuleUpdateTarget* and from `ctl:ruleRemoveTarget*`), XML nodes, and macro expansion
 * (`%{tx.score}`, `%{MATCHED_VAR}`, `%{rule.id}`, `%{REQUEST_HEADERS.host}`).
 */
import type { Collection, Entry } from '../request/collections.js';
import type { CompiledRule, CompiledTarget } from './compiled.js';

/** One value a rule looks at: `ARGS:id` → `1 OR 1=1`. */
export interface TargetValue {
  name: string;
  value: string;
  /** Request data that cannot change during the transaction (its transformations may be cached). */
  stable: boolean;
}

export interface VariableSource {
  scalars: Map<string, string>;
  collections: Map<string, Collection>;
  xml?: { text: string[]; attributes: string[] };
}

/** Collections that change while rules run (never cached). */
const VOLATILE = new Set(['TX', 'MATCHED_VARS', 'MATCHED_VARS_NAMES', 'IP', 'GLOBAL', 'SESSION', 'USER', 'ENV']);
const VOLATILE_SCALARS = new Set(['MATCHED_VAR', 'MATCHED_VAR_NAME', 'HIGHEST_SEVERITY', 'REQBODY_PROCESSOR', 'DURATION']);

function excluded(name: string, entry: Entry, exclusions: readonly CompiledTarget[]): boolean {
  for (const ex of exclusions) {
    if (ex.selector.name !== name) continue;
    if (ex.keyRegex) {
      if (ex.keyRegex.test(entry.key)) return true;
    } else if (ex.selector.key === undefined || (ex.lowerKey ?? ex.selector.key.toLowerCase()) === entry.lower) return true;
  }
  return false;
}

function xmlValues(source: VariableSource, key: string | undefined): string[] {
  if (!source.xml) return [];
  if (key !== undefined && /@/.test(key)) return source.xml.attributes;
  return source.xml.text;
}

/** How rules see one collection entry; made once per entry (and kept in step by `Collection.set`). */
function entryView(name: string, e: Entry, stable: boolean): TargetValue {
  if (e.view !== undefined && e.viewOf === name) return e.view;
  e.viewOf = name;
  return (e.view = { name: `${name}:${e.key}`, value: e.value, stable });
}

/** Appends the values `target` selects to `out` (no intermediate arrays: this runs for every rule). */
export function resolveTarget(source: VariableSource, target: CompiledTarget, exclusions: readonly CompiledTarget[], out: TargetValue[]): void {
  const { name, key, count } = target.selector;
  if (name === 'XML') {
    const values = xmlValues(source, key);
    if (count) out.push({ name: `&XML`, value: String(values.length), stable: false });
    else for (const value of values) out.push({ name: `XML:${key ?? '/*'}`, value, stable: true });
    return;
  }
  const collection = source.collections.get(name);
  if (!collection) {
    const value = exclusions.length > 0 && exclusions.some((ex) => ex.selector.name === name) ? undefined : source.scalars.get(name);
    if (count) out.push({ name: `&${name}`, value: value === undefined ? '0' : '1', stable: false });
    else if (value !== undefined) out.push({ name, value, stable: !VOLATILE_SCALARS.has(name) });
    return;
  }
  const stable = !VOLATILE.has(name);
  const entries = key !== undefined ? collection.getLower(target.lowerKey ?? key.toLowerCase()) : collection.entries;
  const re = target.keyRegex;
  let selected = 0;
  for (const e of entries) {
    if ((re && !re.test(e.key)) || (exclusions.length > 0 && excluded(name, e, exclusions))) continue;
    selected++;
    if (!count) out.push(entryView(name, e, stable));
  }
  if (count) out.push({ name: `&${name}${key !== undefined ? `:${key}` : ''}`, value: String(selected), stable: false });
}

/** Every value a rule looks at, appended to `out` (a fresh array unless the caller reuses one). */
export function resolveTargets(source: VariableSource, rule: CompiledRule, extraExclusions: readonly CompiledTarget[], out: TargetValue[] = []): TargetValue[] {
  const exclusions = extraExclusions.length ? [...rule.exclusions, ...extraExclusions] : rule.exclusions;
  for (const t of rule.targets) resolveTarget(source, t, exclusions, out);
  return out;
}

/** `%{…}` macros; unknown names expand to the empty string, as in ModSecurity. */
export function expandMacros(text: string, source: VariableSource, rule?: CompiledRule): string {
  if (!text.includes('%{')) return text;
  return text.replace(/%\{([^}]{1,256})\}/g, (_whole, ref: string) => {
    const dot = ref.indexOf('.');
    const name = (dot < 0 ? ref : ref.slice(0, dot)).toUpperCase();
    const key = dot < 0 ? undefined : ref.slice(dot + 1);
    if (name === 'RULE' && rule) {
      const field = (key ?? '').toLowerCase();
      if (field === 'id') return String(rule.id);
      if (field === 'msg') return rule.msg ?? '';
      if (field === 'severity') return rule.severity ?? '';
      if (field === 'logdata') return rule.logdata ?? '';
      return '';
    }
    const values: TargetValue[] = [];
    resolveTarget(source, { selector: { name, key, keyRegex: undefined, count: false, exclude: false }, keyRegex: undefined, lowerKey: key?.toLowerCase() }, [], values);
    return values[0]?.value ?? '';
  });
}
