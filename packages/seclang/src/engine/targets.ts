/**
 * Resolves a rule's targets against the transaction's variables: scalars, keyed collections
 * (literal and regex keys, case-insensitive), `&` counts, `!` exclusions (from the rule, from
 * SecRuleUpdateTarget* and from `ctl:ruleRemoveTarget*`), XML nodes, and macro expansion
 * (`%{tx.score}`, `%{MATCHED_VAR}`, `%{rule.id}`, `%{REQUEST_HEADERS.host}`).
 */
import { revalue, valueView, type Collection, type Entry, type ValueView } from '../request/collections.js';
import { BoundedMemo } from '../util/bounded-memo.js';
import type { CompiledRule, CompiledTarget } from './compiled.js';

/** One value a rule looks at: `ARGS:id` → `1 OR 1=1`. */
export type TargetValue = ValueView;

export interface VariableSource {
  scalars: Map<string, string>;
  /** How rules see each scalar or count, by the target's `viewSlot`: made once per name and kept in step when the value changes. */
  scalarViews: (TargetValue | undefined)[];
  collections: Map<string, Collection>;
  xml?: { text: string[]; attributes: string[] };
}

/**
 * A list refilled for every rule: its length is tracked here, so refilling overwrites slots in
 * place (popping an array to empty lets V8 shrink it, and the next fill regrows it).
 */
export class TargetList {
  readonly items: TargetValue[] = [];
  length = 0;
  push(value: TargetValue): void {
    this.items[this.length++] = value;
  }
  clear(): void {
    this.length = 0;
  }
}

/** Where resolved values go: a plain array or a reused TargetList. */
export interface TargetSink {
  push(value: TargetValue): unknown;
}

const NO_VALUES: readonly string[] = Object.freeze([]);

/** Collections that change while rules run (never cached). */
const VOLATILE = new Set(['TX', 'MATCHED_VARS', 'MATCHED_VARS_NAMES', 'IP', 'GLOBAL', 'SESSION', 'USER', 'ENV']);
const VOLATILE_SCALARS = new Set(['MATCHED_VAR', 'MATCHED_VAR_NAME', 'HIGHEST_SEVERITY', 'REQBODY_PROCESSOR', 'DURATION']);

function excluded(name: string, entry: Entry, exclusions: readonly CompiledTarget[]): boolean {
  for (let i = 0; i < exclusions.length; i++) {
    const ex = exclusions[i] as CompiledTarget;
    if (ex.selector.name !== name) continue;
    if (ex.keyRegex) {
      if (ex.keyRegex.test(entry.key)) return true;
    } else if (ex.selector.key === undefined || (ex.lowerKey ?? ex.selector.key.toLowerCase()) === entry.lower) return true;
  }
  return false;
}

function xmlValues(source: VariableSource, key: string | undefined): readonly string[] {
  if (!source.xml) return NO_VALUES;
  if (key !== undefined && key.includes('@')) return source.xml.attributes;
  return source.xml.text;
}

/** How rules see one collection entry; made once per entry (and kept in step by `Collection.set`). */
function entryView(name: string, e: Entry, stable: boolean): TargetValue {
  if (e.view !== undefined && e.viewOf === name) return e.view;
  e.viewOf = name;
  return (e.view = valueView(`${name}:${e.key}`, e.value, stable));
}

/**
 * How rules see a scalar or a `&` count; one object per name, updated (and its transformation
 * cache dropped) when the value changed.
 */
function sharedView(source: VariableSource, slot: number | undefined, name: string, value: string, stable: boolean): TargetValue {
  // A target compiled outside a rule set has no slot: its view is made afresh.
  if (slot === undefined) return valueView(name, value, stable);
  const view = source.scalarViews[slot];
  if (view === undefined) return (source.scalarViews[slot] = valueView(name, value, stable));
  if (view.value !== value) revalue(view, value);
  return view;
}

/** Whether an exclusion names the scalar `name` (a loop: this runs for every rule). */
function scalarExcluded(name: string, exclusions: readonly CompiledTarget[]): boolean {
  for (let i = 0; i < exclusions.length; i++) if ((exclusions[i] as CompiledTarget).selector.name === name) return true;
  return false;
}

/** Appends the values `target` selects to `out` (no intermediate arrays: this runs for every rule). */
export function resolveTarget(source: VariableSource, target: CompiledTarget, exclusions: readonly CompiledTarget[], out: TargetSink): void {
  const { name, key, count } = target.selector;
  if (name === 'XML') {
    const values = xmlValues(source, key);
    if (count) out.push(valueView('&XML', String(values.length), false));
    else for (let i = 0; i < values.length; i++) out.push(valueView(`XML:${key ?? '/*'}`, values[i] as string, true));
    return;
  }
  const collection = source.collections.get(name);
  if (!collection) {
    const value = exclusions.length > 0 && scalarExcluded(name, exclusions) ? undefined : source.scalars.get(name);
    if (count) out.push(sharedView(source, target.viewSlot, target.countName ?? `&${name}`, value === undefined ? '0' : '1', false));
    else if (value !== undefined) out.push(sharedView(source, target.viewSlot, name, value, !VOLATILE_SCALARS.has(name)));
    return;
  }
  const stable = !VOLATILE.has(name);
  const entries = key !== undefined ? collection.getLower(target.lowerKey ?? key.toLowerCase()) : collection.entries;
  const re = target.keyRegex;
  let selected = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Entry;
    if ((re && !re.test(e.key)) || (exclusions.length > 0 && excluded(name, e, exclusions))) continue;
    selected++;
    if (!count) out.push(entryView(name, e, stable));
  }
  if (count) out.push(sharedView(source, target.viewSlot, target.countName ?? `&${name}${key !== undefined ? `:${key}` : ''}`, String(selected), false));
}

/** Every value a rule looks at, appended to `out`; `exclusions` are the rule's own plus any a ctl added. */
export function resolveTargets(source: VariableSource, rule: CompiledRule, exclusions: readonly CompiledTarget[], out: TargetSink): void {
  for (let i = 0; i < rule.targets.length; i++) resolveTarget(source, rule.targets[i] as CompiledTarget, exclusions, out);
}

/** One `%{…}` reference of a macro text, parsed once per distinct text. */
interface MacroRef {
  name: string;
  key: string | undefined;
  lowerKey: string | undefined;
}
type MacroPart = string | MacroRef;

/** Parsed macro texts. Texts come from rules (finite), but the memo is bounded all the same. */
const templates = new BoundedMemo<string, MacroPart[]>(4096);

function parseMacroText(text: string): MacroPart[] {
  const parts: MacroPart[] = [];
  const re = /%\{([^}]{1,256})\}/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const ref = m[1] as string;
    const dot = ref.indexOf('.');
    const key = dot < 0 ? undefined : ref.slice(dot + 1);
    parts.push({ name: (dot < 0 ? ref : ref.slice(0, dot)).toUpperCase(), key, lowerKey: key?.toLowerCase() });
    last = re.lastIndex;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function ruleField(rule: CompiledRule, field: string): string {
  switch (field.toLowerCase()) {
    case 'id':
      return String(rule.id);
    case 'msg':
      return rule.msg ?? '';
    case 'severity':
      return rule.severity ?? '';
    case 'logdata':
      return rule.logdata ?? '';
    default:
      return '';
  }
}

/** The first value a reference names, or '' (read directly: macros expand on every match). */
function macroValue(ref: MacroRef, source: VariableSource, rule: CompiledRule | undefined): string {
  if (ref.name === 'RULE' && rule) return ruleField(rule, ref.key ?? '');
  if (ref.name === 'XML') return xmlValues(source, ref.key)[0] ?? '';
  const collection = source.collections.get(ref.name);
  if (!collection) return source.scalars.get(ref.name) ?? '';
  return (ref.lowerKey !== undefined ? collection.firstLower(ref.lowerKey) : collection.entries[0])?.value ?? '';
}

/** `%{…}` macros; unknown names expand to the empty string, as in ModSecurity. */
export function expandMacros(text: string, source: VariableSource, rule?: CompiledRule): string {
  if (!text.includes('%{')) return text;
  const parts = templates.get(text) ?? templates.set(text, parseMacroText(text));
  if (parts.length === 1 && typeof parts[0] !== 'string') return macroValue(parts[0] as MacroRef, source, rule);
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? part : macroValue(part, source, rule);
  return out;
}
