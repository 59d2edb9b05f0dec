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
  removedTargets: { applies: (rule: CompiledRule) => boolean; target: CompiledTarget }[];
  bodyProcessor?: string;
  requestBodyAccess: boolean;
  responseBodyAccess: boolean;
  forceRequestBodyVariable: boolean;
}

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

function ctl(spec: string, controls: TransactionControls, source: VariableSource, rule: CompiledRule): void {
  const eq = spec.indexOf('=');
  if (eq < 0) return;
  const option = spec.slice(0, eq).trim().toLowerCase();
  const value = expandMacros(spec.slice(eq + 1), source, rule).trim();
  switch (option) {
    case 'ruleengine':
      controls.mode = /^off$/i.test(value) ? 'Off' : /^detectiononly$/i.test(value) ? 'DetectionOnly' : 'On';
      break;
    case 'ruleremovebyid': {
      const m = idMatcher(value);
      controls.removedRules.push((r) => m(r.id));
      break;
    }
    case 'ruleremovebytag': {
      const m = tagMatcher(value);
      controls.removedRules.push((r) => m(r.tags));
      break;
    }
    case 'ruleremovetargetbyid':
    case 'ruleremovetargetbytag': {
      const semi = value.indexOf(';');
      if (semi < 0) return;
      const selectors = parseVariables(value.slice(semi + 1));
      if (!Array.isArray(selectors)) return;
      const spec = value.slice(0, semi);
      const applies = option === 'ruleremovetargetbyid' ? ((m) => (r: CompiledRule) => m(r.id))(idMatcher(spec)) : ((m) => (r: CompiledRule) => m(r.tags))(tagMatcher(spec));
      for (const s of selectors) controls.removedTargets.push({ applies, target: compileTarget({ ...s, exclude: true }) });
      break;
    }
    case 'requestbodyprocessor':
      controls.bodyProcessor = value.toUpperCase();
      source.scalars.set('REQBODY_PROCESSOR', controls.bodyProcessor);
      break;
    case 'requestbodyaccess':
      controls.requestBodyAccess = onOff(value);
      break;
    case 'responsebodyaccess':
      controls.responseBodyAccess = onOff(value);
      break;
    case 'forcerequestbodyvariable':
      controls.forceRequestBodyVariable = onOff(value);
      break;
    // auditEngine, auditLogParts, debugLogLevel: about logging we do not keep; accepted.
  }
}

/** A non-disruptive action run on each match, compiled with its rule. */
export type PerMatchAction = (source: VariableSource, controls: TransactionControls, rule: CompiledRule) => void;

const NOTHING: PerMatchAction = () => undefined;

export function compilePerMatchAction(action: Action): PerMatchAction {
  const value = action.value ?? '';
  if (action.name === 'setvar') return compileSetvar(value);
  if (action.name === 'ctl') return (source, controls, rule) => ctl(value, controls, source, rule);
  return NOTHING;
}
