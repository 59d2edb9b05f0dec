/**
 * Turns a parsed RuleSet into a CompiledRuleSet: applies SecDefaultAction per phase (`block`
 * resolves to the phase default), SecRuleRemoveBy*, SecRuleUpdateTargetBy*, reads engine
 * directives, compiles operators and key regexes once. Operators that cannot compile are
 * listed as warnings and never match — nothing is silently guessed.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import RE2 from 're2';
import type { Action, Rule, RuleSet, VariableSelector } from '../model.js';
import { compileOperator } from '../operator/registry.js';
import { result } from '../operator/operator.js';
import { TRANSFORMATIONS, type Transformation } from '../transform/registry.js';
import { BoundedMemo } from '../util/bounded-memo.js';
import { re2Input } from '../util/re2-input.js';
import { rememberingShort } from '../util/repeat-memo.js';
import { attachRxPrefilters } from './rx-prefilter.js';
import { compilePerMatchAction } from './actions.js';
import { SlotTables, type CompiledRule, type CompiledRuleSet, type CompiledTarget, type Disruptive, type EngineSettings, type KeyMatcher, type PhaseItem } from './compiled.js';

const DISRUPTIVE = new Set(['deny', 'drop', 'block', 'pass', 'allow', 'redirect']);
const PER_MATCH = new Set(['setvar', 'ctl', 'setenv']);
const MAX_DATA_FILE = 16 * 1024 * 1024;

export interface CompileOptions {
  /** Reads `@pmFromFile` data files; defaults to a bounded readFileSync. */
  readFile?: (path: string) => string;
}

function defaultSettings(): EngineSettings {
  return {
    mode: 'On',
    requestBodyAccess: false,
    requestBodyLimit: 13107200,
    requestBodyLimitAction: 'Reject',
    responseBodyAccess: false,
    responseBodyLimit: 524288,
    responseBodyMimeTypes: ['text/plain', 'text/html'],
    argumentSeparator: '&',
    componentSignatures: [],
  };
}

const on = (v: string | undefined): boolean => (v ?? '').toLowerCase() === 'on';

function applyConfig(settings: EngineSettings, name: string, args: string[]): void {
  const first = args[0] ?? '';
  switch (name.toLowerCase()) {
    case 'secruleengine':
      settings.mode = /^off$/i.test(first) ? 'Off' : /^detectiononly$/i.test(first) ? 'DetectionOnly' : 'On';
      break;
    case 'secrequestbodyaccess':
      settings.requestBodyAccess = on(first);
      break;
    case 'secrequestbodylimit':
      settings.requestBodyLimit = Number(first) || settings.requestBodyLimit;
      break;
    case 'secrequestbodylimitaction':
      settings.requestBodyLimitAction = /^processpartial$/i.test(first) ? 'ProcessPartial' : 'Reject';
      break;
    case 'secresponsebodyaccess':
      settings.responseBodyAccess = on(first);
      break;
    case 'secresponsebodylimit':
      settings.responseBodyLimit = Number(first) || settings.responseBodyLimit;
      break;
    case 'secresponsebodymimetype':
      settings.responseBodyMimeTypes.push(...args.flatMap((a) => a.split(/\s+/)).filter(Boolean).map((m) => m.toLowerCase()));
      break;
    case 'secresponsebodymimetypesclear':
      settings.responseBodyMimeTypes = [];
      break;
    case 'secargumentseparator':
      settings.argumentSeparator = first || '&';
      break;
    case 'seccomponentsignature':
      settings.componentSignatures.push(first);
      break;
  }
}

/** `942100`, `942100-942199`, several separated by spaces or commas. */
export function idMatcher(spec: string): (id: number) => boolean {
  const low: number[] = [];
  const high: number[] = [];
  for (const p of spec.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d+)-(\d+)$/.exec(p);
    low.push(Number(m ? m[1] : p));
    high.push(Number(m ? m[2] : p));
  }
  // Asked once per rule per request after a ctl:ruleRemoveById: plain loop, no allocation.
  return (id) => {
    for (let i = 0; i < low.length; i++) if (id >= (low[i] as number) && id <= (high[i] as number)) return true;
    return false;
  };
}

const tagMatchers = new BoundedMemo<string, (tags: readonly string[]) => boolean>(10_000);

/** Tags compare as RE2 searches; one matcher per spec for the process (ctl builds them per request). */
export function tagMatcher(spec: string): (tags: readonly string[]) => boolean {
  return tagMatchers.get(spec) ?? tagMatchers.set(spec, buildTagMatcher(spec));
}

function buildTagMatcher(spec: string): (tags: readonly string[]) => boolean {
  let re: RE2 | undefined;
  try {
    re = new RE2(spec, 'u');
  } catch {
    re = undefined;
  }
  // Rules keep one tags array for life: remember each verdict (checked per rule per request).
  const memo = new WeakMap<readonly string[], boolean>();
  return (tags) => {
    let verdict = memo.get(tags);
    if (verdict === undefined) {
      verdict = tags.some((t) => (re ? re.test(t) : t === spec));
      memo.set(tags, verdict);
    }
    return verdict;
  };
}

const keyMatchers = new BoundedMemo<string, KeyMatcher>(10_000);

/**
 * One matcher per key regex for the process. Header, cookie and argument names repeat from
 * request to request, so verdicts are remembered (bounded: attacker-chosen names cannot grow it).
 */
function keyMatcher(source: string): KeyMatcher {
  const known = keyMatchers.get(source);
  if (known) return known;
  const re = new RE2(source, 'iu');
  return keyMatchers.set(source, { test: rememberingShort((key) => re.test(re2Input(key)), 4096) });
}

export function compileTarget(selector: VariableSelector): CompiledTarget {
  // Every target (and its selector) has the same fields in the same order: one hidden class for the hot paths.
  return {
    selector: { name: selector.name, key: selector.key, keyRegex: selector.keyRegex, count: selector.count, exclude: selector.exclude },
    keyRegex: selector.keyRegex !== undefined ? keyMatcher(selector.keyRegex) : undefined,
    lowerKey: selector.key?.toLowerCase(),
    countName: selector.count ? `&${selector.name}${selector.key !== undefined ? `:${selector.key}` : ''}` : undefined,
  };
}

interface Defaults {
  actions: Action[];
}

function compileRule(rule: Rule, phase: number, defaults: Defaults | undefined, readFile: (p: string) => string, isLink: boolean): CompiledRule {
  const inherited = (defaults?.actions ?? []).filter((a) => a.name !== 'phase' && a.name !== 'id' && (!isLink || !DISRUPTIVE.has(a.name)));
  const defaultDisruptive = defaults?.actions.filter((a) => DISRUPTIVE.has(a.name)).pop()?.name as Disruptive | undefined;
  const defaultStatus = defaults?.actions.find((a) => a.name === 'status')?.value;
  const outcome = compileOperator(rule.operator, { ruleDir: dirname(rule.file), readFile, wantCaptures: rule.actions.some((a) => a.name === 'capture') });
  const names = [...inherited.filter((a) => a.name === 't').map((a) => (a.value ?? '').toLowerCase()), ...rule.transformations];
  const chainNames = names.slice(names.lastIndexOf('none') + 1);
  const compiled: CompiledRule = {
    id: rule.id ?? 0,
    phase,
    file: rule.file,
    line: rule.line,
    targets: [],
    exclusions: [],
    operatorName: rule.operator.name,
    operator: outcome.ok ? outcome.match : () => result(false),
    transformations: chainNames.map((n) => TRANSFORMATIONS[n] as Transformation),
    transformKey: chainNames.join(','),
    transformBit: 0,
    multiMatch: false,
    capture: false,
    perMatch: [],
    log: true,
    tags: [],
    // Optional fields exist from the start (undefined), so every rule object has one shape.
    targetCacheKey: undefined,
    operatorError: undefined,
    rxSource: undefined,
    rxNegated: undefined,
    rxPrefilter: undefined,
    disruptive: undefined,
    allowScope: undefined,
    status: undefined,
    redirect: undefined,
    msg: undefined,
    logdata: undefined,
    severity: undefined,
    skipAfter: undefined,
    skip: undefined,
    chained: undefined,
  };
  if (rule.operator.name === 'rx') {
    compiled.rxSource = rule.operator.argument;
    compiled.rxNegated = rule.operator.negated;
  }
  if (!outcome.ok) compiled.operatorError = `${rule.file}:${rule.line}${rule.id ? ` (rule ${rule.id})` : ''}: ${outcome.reason}`;
  for (const v of rule.variables) (v.exclude ? compiled.exclusions : compiled.targets).push(compileTarget(v));
  for (const a of [...inherited.filter((x) => x.name !== 't'), ...rule.actions]) {
    switch (a.name) {
      case 'log':
        compiled.log = true;
        break;
      case 'nolog':
        compiled.log = false;
        break;
      case 'capture':
        compiled.capture = true;
        break;
      case 'multimatch':
        compiled.multiMatch = true;
        break;
      case 'msg':
        compiled.msg = a.value;
        break;
      case 'logdata':
        compiled.logdata = a.value;
        break;
      case 'severity':
        compiled.severity = a.value;
        break;
      case 'tag':
        if (a.value !== undefined) compiled.tags.push(a.value);
        break;
      case 'status':
        compiled.status = Number(a.value);
        break;
      case 'skipafter':
        compiled.skipAfter = a.value;
        break;
      case 'skip':
        compiled.skip = Number(a.value) || 0;
        break;
      default:
        if (DISRUPTIVE.has(a.name)) {
          compiled.disruptive = a.name as Disruptive;
          if (a.name === 'allow') compiled.allowScope = a.value ?? '';
          if (a.name === 'redirect') compiled.redirect = a.value;
        } else if (PER_MATCH.has(a.name)) compiled.perMatch.push(compilePerMatchAction(a));
    }
  }
  if (compiled.disruptive === 'block') {
    compiled.disruptive = defaultDisruptive && defaultDisruptive !== 'block' ? defaultDisruptive : 'pass';
    if (compiled.status === undefined && defaultStatus !== undefined) compiled.status = Number(defaultStatus);
  }
  if (rule.chained) compiled.chained = compileRule(rule.chained, phase, defaults, readFile, true);
  return compiled;
}

function boundedRead(path: string): string {
  const text = readFileSync(path);
  if (text.length > MAX_DATA_FILE) throw new Error(`data file ${path} is larger than ${MAX_DATA_FILE} bytes`);
  return text.toString('latin1');
}

/** Collections and variables that rules and actions change while a phase runs. */
const CHANGING = new Set(['TX', 'MATCHED_VAR', 'MATCHED_VAR_NAME', 'MATCHED_VARS', 'MATCHED_VARS_NAMES', 'IP', 'GLOBAL', 'SESSION', 'USER', 'ENV', 'HIGHEST_SEVERITY', 'REQBODY_PROCESSOR', 'DURATION', 'RULE']);

export const selectorText = (t: CompiledTarget): string => `${t.selector.exclude ? '!' : ''}${t.selector.count ? '&' : ''}${t.selector.name}:${t.selector.key ?? ''}:${t.selector.keyRegex ?? ''}`;

function targetCacheKey(rule: CompiledRule): string | undefined {
  if (rule.targets.length === 0 || rule.targets.some((t) => CHANGING.has(t.selector.name))) return undefined;
  return [...rule.targets, ...rule.exclusions].map(selectorText).join('|');
}

export function compileRuleSet(ruleSet: RuleSet, options: CompileOptions = {}): CompiledRuleSet {
  const readFile = options.readFile ?? boundedRead;
  const settings = defaultSettings();
  const defaults = new Map<number, Defaults>();
  const ordered: ({ rule: Rule; compiled: CompiledRule } | { marker: string })[] = [];
  const removeIds: ((id: number) => boolean)[] = [];
  const removeTags: ((tags: readonly string[]) => boolean)[] = [];
  const removeMsgs: string[] = [];
  const warnings: string[] = [];
  const byId = new Map<number, CompiledRule>();
  for (const item of ruleSet.items) {
    switch (item.kind) {
      case 'config':
        applyConfig(settings, item.name, item.args);
        break;
      case 'SecDefaultAction': {
        const phase = Number(item.actions.find((a) => a.name === 'phase')?.value ?? 2);
        defaults.set(phase, { actions: item.actions });
        break;
      }
      case 'SecMarker':
        ordered.push({ marker: item.name });
        break;
      case 'SecRule':
      case 'SecAction': {
        const phase = item.phase ?? 2;
        const compiled = compileRule(item, phase, defaults.get(phase), readFile, false);
        for (let link: CompiledRule | undefined = compiled; link; link = link.chained) if (link.operatorError) warnings.push(link.operatorError);
        ordered.push({ rule: item, compiled });
        if (compiled.id) byId.set(compiled.id, compiled);
        break;
      }
      case 'SecRuleRemoveById':
        removeIds.push(idMatcher(item.args.join(' ')));
        break;
      case 'SecRuleRemoveByTag':
        for (const a of item.args) removeTags.push(tagMatcher(a));
        break;
      case 'SecRuleRemoveByMsg':
        removeMsgs.push(...item.args);
        break;
      case 'SecRuleUpdateTargetById':
      case 'SecRuleUpdateTargetByTag': {
        const matchId = item.kind === 'SecRuleUpdateTargetById' ? idMatcher(item.selector) : undefined;
        const matchTag = item.kind === 'SecRuleUpdateTargetByTag' ? tagMatcher(item.selector) : undefined;
        for (const o of ordered) {
          if (!('rule' in o)) continue;
          const r = o.compiled;
          if (!(matchId ? matchId(r.id) : matchTag?.(r.tags))) continue;
          if (item.replaces) r.targets = r.targets.filter((t) => `${t.selector.name}${t.selector.key !== undefined ? `:${t.selector.key}` : ''}`.toUpperCase() !== item.replaces?.toUpperCase());
          for (const t of item.targets) (t.exclude ? r.exclusions : r.targets).push(compileTarget(t));
        }
        break;
      }
    }
  }
  const phases: PhaseItem[][] = [[], [], [], [], [], []];
  let ruleCount = 0;
  for (const o of ordered) {
    if ('marker' in o) {
      for (const list of phases) list.push({ marker: o.marker });
      continue;
    }
    const r = o.compiled;
    if (r.id && removeIds.some((m) => m(r.id))) continue;
    if (removeTags.some((m) => m(r.tags))) continue;
    if (r.msg !== undefined && removeMsgs.includes(r.msg)) continue;
    phases[r.phase]?.push({ rule: r });
    ruleCount++;
  }
  const rules = phases.flatMap((list) => list.flatMap((item) => ('rule' in item ? [item.rule] : [])));
  const links = rules.flatMap((rule) => {
    const chain: CompiledRule[] = [];
    for (let link: CompiledRule | undefined = rule; link; link = link.chained) chain.push(link);
    return chain;
  });
  // The 32 bits go to the chains most links use (CRS has about forty chains, most used by one or two links).
  const uses = new Map<string, number>();
  for (const link of links) if (link.transformations.length > 0) uses.set(link.transformKey, (uses.get(link.transformKey) ?? 0) + 1);
  const chainBits = new Map([...uses.keys()].sort((a, b) => (uses.get(b) as number) - (uses.get(a) as number)).map((key, i) => [key, i < 32 ? 1 << i : 0]));
  const slots = new SlotTables();
  for (const link of links) {
    link.targetCacheKey = targetCacheKey(link);
    if (link.targetCacheKey !== undefined) link.targetSlot = slots.listSlot(link.targetCacheKey);
    link.transformBit = chainBits.get(link.transformKey) ?? 0;
    for (const target of link.targets) target.viewSlot = slots.viewSlot(target.countName ?? target.selector.name);
  }
  slots.groupSlots = attachRxPrefilters(rules);
  return { phases, settings, warnings, ruleCount, byId, slots };
}
