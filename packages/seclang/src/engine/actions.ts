/**
 * The non-disruptive actions a rule runs on each match: `setvar` (set, `=+`/`=-` arithmetic,
 * `!` delete, macros in names and values) and `ctl` (rule engine, rule and target removal for
 * this transaction, body processor and body access switches).
 */
import type { Action } from '../model.js';
import { parseVariables } from '../parse/variables.js';
import { toInteger } from '../operator/string-operators.js';
import { collectionOf } from '../request/collections.js';
import type { CompiledRule, CompiledTarget, EngineMode } from './compiled.js';
import { compileTarget, idMatcher, tagMatcher } from './compile.js';
import { expandMacros, type VariableSource } from './targets.js';

/** What `ctl:` may change for the rest of one transaction. */
export interface TransactionControls {
  mode: EngineMode;
  removedRules: ((rule: CompiledRule) => boolean)[];
  removedTargets: RemovedTarget[];
  bodyProcessor?: string;
  requestBodyAccess: boolean;
  responseBodyAccess: boolean;
  forceRequestBodyVariable: boolean;
}

/** A non-disruptive action run on each match, compiled with its rule. */
export type PerMatchAction = (source: VariableSource, controls: TransactionControls, rule: CompiledRule) => void;

const NOTHING: PerMatchAction = () => undefined;

/** `tx.score` → collection TX, key score (undefined without a dot). */
function splitTarget(target: string): { collection: string; key: string; lower: string } | undefined {
  const dot = target.indexOf('.');
  if (dot <= 0) return undefined;
  const key = target.slice(dot + 1);
  return { collection: target.slice(0, dot).toUpperCase(), key, lower: key.toLowerCase() };
}

/**
 * `setvar:[!]collection.key[=[+|-]value]`, parsed once when the rule loads: at match time only
 * the macros are expanded (CRS runs a few dozen setvars per request).
 */
function compileSetvar(spec: string): PerMatchAction {
  const deleting = spec.startsWith('!');
  const body = deleting ? spec.slice(1) : spec;
  const eq = body.indexOf('=');
  const nameText = eq < 0 ? body : body.slice(0, eq);
  const raw = eq < 0 ? '1' : body.slice(eq + 1);
  const sign = raw.startsWith('+') ? 1 : raw.startsWith('-') ? -1 : 0;
  const deltaText = sign !== 0 ? raw.slice(1) : raw;
  const fixedTarget = nameText.includes('%{') ? undefined : splitTarget(nameText.trim());
  return (source, _controls, rule) => {
    const target = fixedTarget ?? splitTarget(expandMacros(nameText, source, rule).trim());
    if (!target) return;
    const collection = collectionOf(source.collections, target.collection);
    const { key, lower } = target;
    if (deleting) collection.remove(key, lower);
    else if (sign !== 0) {
      const delta = toInteger(expandMacros(deltaText, source, rule));
      const current = toInteger(collection.firstLower(lower)?.value ?? '0');
      collection.set(key, String(current + sign * delta), lower);
    } else collection.set(key, expandMacros(raw, source, rule), lower);
  };
}

const onOff = (v: string): boolean => v.trim().toLowerCase() === 'on';

/** One `ctl:ruleRemoveTarget*` removal: the rules it applies to and the target it takes away. */
export interface RemovedTarget {
  applies: (rule: CompiledRule) => boolean;
  target: CompiledTarget;
}

/** The rules a ctl names: by id (`942100`, `942100-942199`) or by tag. */
function rulesNamed(byId: boolean, spec: string): (rule: CompiledRule) => boolean {
  if (byId) {
    const m = idMatcher(spec);
    return (r) => m(r.id);
  }
  const m = tagMatcher(spec);
  return (r) => m(r.tags);
}

/**
 * `ctl:option=value` with the value known: the removal predicates and targets are built here,
 * once, so every transaction the ctl runs in shares them (and the exclusion lists merged from
 * them can be kept across transactions: CRS 941010 trims every XSS rule on most requests).
 */
function ctlWithValue(option: string, value: string): PerMatchAction {
  switch (option) {
    case 'ruleengine': {
      const mode: EngineMode = /^off$/i.test(value) ? 'Off' : /^detectiononly$/i.test(value) ? 'DetectionOnly' : 'On';
      return (_source, controls) => void (controls.mode = mode);
    }
    case 'ruleremovebyid':
    case 'ruleremovebytag': {
      const removes = rulesNamed(option === 'ruleremovebyid', value);
      return (_source, controls) => void controls.removedRules.push(removes);
    }
    case 'ruleremovetargetbyid':
    case 'ruleremovetargetbytag': {
      const semi = value.indexOf(';');
      const selectors = semi < 0 ? undefined : parseVariables(value.slice(semi + 1));
      if (!Array.isArray(selectors)) return NOTHING;
      const applies = rulesNamed(option === 'ruleremovetargetbyid', value.slice(0, semi));
      const removals: RemovedTarget[] = selectors.map((sel) => ({ applies, target: compileTarget({ ...sel, exclude: true }) }));
      return (_source, controls) => void controls.removedTargets.push(...removals);
    }
    case 'requestbodyprocessor': {
      const processor = value.toUpperCase();
      return (source, controls) => {
        controls.bodyProcessor = processor;
        source.scalars.set('REQBODY_PROCESSOR', processor);
      };
    }
    case 'requestbodyaccess': {
      const on = onOff(value);
      return (_source, controls) => void (controls.requestBodyAccess = on);
    }
    case 'responsebodyaccess': {
      const on = onOff(value);
      return (_source, controls) => void (controls.responseBodyAccess = on);
    }
    case 'forcerequestbodyvariable': {
      const on = onOff(value);
      return (_source, controls) => void (controls.forceRequestBodyVariable = on);
    }
    // auditEngine, auditLogParts, debugLogLevel: about logging we do not keep; accepted.
    default:
      return NOTHING;
  }
}

/** `ctl:…`, built at load; a value with macros is built again on each match, once expanded. */
function compileCtl(spec: string): PerMatchAction {
  const eq = spec.indexOf('=');
  if (eq < 0) return NOTHING;
  const option = spec.slice(0, eq).trim().toLowerCase();
  const valueText = spec.slice(eq + 1);
  if (!valueText.includes('%{')) return ctlWithValue(option, valueText.trim());
  return (source, controls, rule) => ctlWithValue(option, expandMacros(valueText, source, rule).trim())(source, controls, rule);
}

export function compilePerMatchAction(action: Action): PerMatchAction {
  const value = action.value ?? '';
  if (action.name === 'setvar') return compileSetvar(value);
  if (action.name === 'ctl') return compileCtl(value);
  return NOTHING;
}
