/**
 * The parsed form of a SecLang rule set: rules with their targets, operator, actions and
 * chained sub-rules, markers, and the configuration directives around them. Parsing only —
 * nothing here evaluates a request.
 */

/** Where a directive came from, for messages and for `SecRuleUpdateTargetById` bookkeeping. */
export interface SourceLocation {
  file: string;
  line: number;
}

/** One target of a rule: `ARGS`, `&TX:foo`, `!REQUEST_COOKIES:/^_ga/`, `XML:/*`. */
export interface VariableSelector {
  /** Collection or variable name, upper-cased (`ARGS`, `TX`, `REQUEST_HEADERS`). */
  name: string;
  /** A literal key (`TX:blocking_paranoia_level`, `XML:/*` keeps its XPath here). */
  key?: string;
  /** A regex key (`ARGS:/^id_/`), without the slashes. */
  keyRegex?: string;
  /** `&VAR`: the number of matching entries instead of their values. */
  count: boolean;
  /** `!VAR:key`: remove these from the targets. */
  exclude: boolean;
}

export interface Operator {
  /** Operator name without `@` (`rx`, `pm`, `ge`, …); `rx` when the rule wrote a bare pattern. */
  name: string;
  negated: boolean;
  argument: string;
}

export interface Action {
  name: string;
  value?: string;
}

export interface Rule extends SourceLocation {
  kind: 'SecRule' | 'SecAction';
  id?: number;
  /** From `phase:` on the rule (chain links inherit the head's); undefined = the default, 2. */
  phase?: number;
  variables: VariableSelector[];
  operator: Operator;
  actions: Action[];
  /** `t:` names in order, `none` resets the list (kept as written). */
  transformations: string[];
  /** The next rule of a `chain`. */
  chained?: Rule;
}

export interface Marker extends SourceLocation {
  kind: 'SecMarker';
  name: string;
}

/** A directive kept as written (engine configuration: `SecRuleEngine On`, …). */
export interface ConfigDirective extends SourceLocation {
  kind: 'config';
  name: string;
  args: string[];
}

export interface TargetUpdate extends SourceLocation {
  kind: 'SecRuleUpdateTargetById' | 'SecRuleUpdateTargetByTag';
  selector: string;
  targets: VariableSelector[];
  /** Optional replaced target (third argument). */
  replaces?: string;
}

export interface Removal extends SourceLocation {
  kind: 'SecRuleRemoveById' | 'SecRuleRemoveByTag' | 'SecRuleRemoveByMsg';
  args: string[];
}

export interface DefaultActions extends SourceLocation {
  kind: 'SecDefaultAction';
  actions: Action[];
}

export type RuleSetItem = Rule | Marker | ConfigDirective | TargetUpdate | Removal | DefaultActions;

export interface RuleSet {
  items: RuleSetItem[];
  /** Files read, in order (Include expanded). */
  files: string[];
}
