/**
 * The operator contract: a factory compiles the rule's argument once (at load time) into a
 * matcher over one transformed value. Arguments with macros (`%{tx.x}`) are expanded per
 * call through the environment the transaction provides.
 */
export interface OperatorEnv {
  /** Expands `%{…}` macros in an operator argument (identity when there is no transaction). */
  expand(text: string): string;
}

export interface OperatorResult {
  matched: boolean;
  /** `capture`: TX.0 is the whole match, TX.1… the groups. */
  captures?: readonly string[];
}

export type CompiledOperator = (value: string, env: OperatorEnv) => OperatorResult;

export interface CompileContext {
  /** Directory of the rule file (`@pmFromFile` paths are relative to it). */
  ruleDir: string;
  /** Reads a data file; the engine passes a bounded reader. */
  readFile(path: string): string;
  /** False when the rule has no `capture` action: matchers may skip building capture groups. */
  wantCaptures?: boolean;
}

export type OperatorFactory = (argument: string, ctx: CompileContext) => CompiledOperator;

export const NO_ENV: OperatorEnv = { expand: (text) => text };
export const hasMacro = (text: string): boolean => text.includes('%{');
const MATCHED: OperatorResult = Object.freeze({ matched: true });
const NOT_MATCHED: OperatorResult = Object.freeze({ matched: false });
/** Results without captures are shared constants: operators run hundreds of times per request. */
export const result = (matched: boolean, captures?: readonly string[]): OperatorResult => (captures ? { matched, captures } : matched ? MATCHED : NOT_MATCHED);
