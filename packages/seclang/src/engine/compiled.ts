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
  /** Where a transaction keeps its view of this scalar or count (one slot per distinct name; see `SlotTables`). */
  viewSlot?: number;
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
  /** The key's slot in a transaction's table of resolved lists (`SlotTables.listSlot`). */
  targetSlot?: number;
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
  /** The slot of the resolved list (as `CompiledRule.targetSlot`), when the rule's targets are cacheable. */
  targetSlot: number | undefined;
}

/**
 * Per-transaction tables are arrays indexed by slots numbered here, at load, instead of maps
 * keyed by name: a map grows (and is copied) a few times per request, an array is made once.
 */
export class SlotTables {
  /** Rule-set `@rx` set groups. */
  groupSlots = 0;
  private readonly lists = new Map<string, number>();
  private readonly views = new Map<string, number>();
  /** Resolved-list keys made at run time (ctl trims) beyond this many get no slot: they are resolved each time. */
  static readonly MAX_LISTS = 4096;

  get listSlots(): number {
    return this.lists.size;
  }

  /** Distinct names of scalar and count views. */
  get viewSlots(): number {
    return this.views.size;
  }

  /** The slot of a scalar or count view's name (numbered at load only). */
  viewSlot(name: string): number {
    const known = this.views.get(name);
    if (known !== undefined) return known;
    this.views.set(name, this.views.size);
    return this.views.size - 1;
  }

  /** The slot of a resolved-target-list key (undefined once the table is full). */
  listSlot(key: string): number | undefined {
    const known = this.lists.get(key);
    if (known !== undefined || this.lists.size >= SlotTables.MAX_LISTS) return known;
    this.lists.set(key, this.lists.size);
    return this.lists.size - 1;
  }
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
  slots: SlotTables;
}
