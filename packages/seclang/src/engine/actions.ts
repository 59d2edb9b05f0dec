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


function setvar(spec: string, source: VariableSource, rule: CompiledRule): void {
  const deleting = spec.startsWith('!');
  const body = deleting ? spec.slice(1) : spec;
  const eq = body.indexOf('=');
  const target = expandMacros(eq < 0 ? body : body.slice(0, eq), source, rule).trim();
  const dot = target.indexOf('.');
  if (dot <= 0) return;
  const collectionName = target.slice(0, dot).toUpperCase();
  const key = target.slice(dot + 1);
  const collection = collectionOf(source.collections, collectionName);
  if (deleting) {
    collection.remove(key);
    return;
  }
  const raw = eq < 0 ? '1' : body.slice(eq + 1);
  if (raw.startsWith('+') || raw.startsWith('-')) {
    const delta = toInteger(expandMacros(raw.slice(1), source, rule));
    const current = toInteger(collection.get(key)[0]?.value ?? '0');
    collection.set(key, String(raw.startsWith('+') ? current + delta : current - delta));
    return;
  }
  collection.set(key, expandMacros(raw, source, rule));
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

export function runPerMatchAction(action: Action, source: VariableSource, controls: TransactionControls, rule: CompiledRule): void {
  const value = action.value ?? '';
  if (action.name === 'setvar') setvar(value, source, rule);
  else if (action.name === 'ctl') ctl(value, controls, source, rule);
}
