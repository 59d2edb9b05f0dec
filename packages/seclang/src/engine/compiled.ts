/**
 * The executable form of a rule set: every rule with its operator, transformations and key
 * regexes compiled once, defaults and removals applied, rules split by phase with the markers
 * `skipAfter` jumps to, and the engine settings the configuration directives chose.
 */
import type { VariableSelector } from '../model.js';
import type { CompiledOperator } from '../operator/operator.js';
import type { Transformation } from '../transform/registry.js';
import type { RxPrefilter } from './rx-prefilter.js';
import type { PerMatchAction, RemovedTarget } from './actions.js';

export interface KeyMatcher {
  test(key: string): boolean;
}

export interface CompiledTarget {
  selector: VariableSelector;
  /** `ARGS:/regex/` keys, compiled (case-insensitive, verdicts remembered per key). */
  keyRegex?: KeyMatcher;
  /** The selector's key in lower case (collections match keys case-insensitively). */
  lowerKey?: string;
  /** How a `&` count is named in MATCHED_VAR_NAME (`&ARGS:id`); undefined unless counting. */
  countName?: string;
}

export type Disruptive = 'deny' | 'drop' | 'block' | 'pass' | 'allow' | 'redirect';

export interface CompiledRule {
  /** 0 for a chained link or an id-less rule. */
  id: number;
  phase: number;
  file: string;
  line: number;
  targets: CompiledTarget[];
  exclusions: CompiledTarget[];
  /** Set when every target reads request data that cannot change within a phase: rules with the same key share resolved values. */
  targetCacheKey?: string;
  operatorName: string;
  operator: CompiledOperator;
  /** Why the operator could not be compiled; the rule then never matches (reported at load). */
  operatorError?: string;
  transformations: Transformation[];
  /** `@rx` source and negation (for the set prefilter). */
  rxSource?: string;
  rxNegated?: boolean;
  rxPrefilter?: RxPrefilter;
  /** Identifies the transformation chain, for the per-transaction cache. */
  transformKey: string;
  /** The chain's bit in `ValueView.unchanged` (one per distinct chain of the rule set; 0 past the 32nd). */
  transformBit: number;
  multiMatch: boolean;
  capture: boolean;
  /** Non-disruptive actions run on each matched value (setvar, ctl, …), compiled, in rule order. */
  perMatch: PerMatchAction[];
  disruptive?: Disruptive;
  /** `allow` / `allow:phase` / `allow:request`. */
  allowScope?: string;
  status?: number;
  redirect?: string;
  log: boolean;
  msg?: string;
  logdata?: string;
  severity?: string;
  tags: string[];
  skipAfter?: string;
  skip?: number;
  chained?: CompiledRule;
  /**
   * The exclusions merged with the `ctl:ruleRemoveTarget*` removals that applied to this rule,
   * and the removal list (by identity) they were merged for: the last merge, kept across
   * transactions, since the same ctl tends to fire on request after request.
   */
  trimmed?: TrimmedTargets;
}

/** A rule's exclusions after `ctl:ruleRemoveTarget*` removals (see `CompiledRule.trimmed`). */
export interface TrimmedTargets {
  /** The transaction's removal list this was merged for, by identity. */
  removals: readonly RemovedTarget[];
  exclusions: readonly CompiledTarget[];
  /** Names the resolved target list as `targetCacheKey` does, when the rule's targets are cacheable. */
  targetCacheKey: string | undefined;
}

export type PhaseItem = { rule: CompiledRule } | { marker: string };

export type EngineMode = 'On' | 'Off' | 'DetectionOnly';

export interface EngineSettings {
  mode: EngineMode;
  requestBodyAccess: boolean;
  requestBodyLimit: number;
  requestBodyLimitAction: 'Reject' | 'ProcessPartial';
  responseBodyAccess: boolean;
  responseBodyLimit: number;
  responseBodyMimeTypes: string[];
  argumentSeparator: string;
  componentSignatures: string[];
}

export interface CompiledRuleSet {
  /** Index = phase (1–5); each list in rule-file order with markers in place. */
  phases: PhaseItem[][];
  settings: EngineSettings;
  /** Rules whose operator could not be compiled (they never match). */
  warnings: string[];
  ruleCount: number;
  /** Every top-level rule by id (for ctl removals by tag). */
  byId: Map<number, CompiledRule>;
}
