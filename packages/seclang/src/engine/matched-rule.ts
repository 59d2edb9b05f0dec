/**
 * What the matched-rule log of a transaction holds: a rule's identity and its match-time text
 * (`msg`, `logdata` with macros expanded, the matched variable).
 */
import type { CompiledRule } from './compiled.js';

export interface MatchedRule {
  id: number;
  phase: number;
  file: string;
  line: number;
  msg: string;
  logdata: string;
  severity?: string;
  tags: string[];
  /** The rule asked to be logged (not `nolog`). */
  log: boolean;
  matchedVarName: string;
}

/**
 * A matched rule as recorded: what was known at match time (expanded `msg` and `logdata`, the
 * matched variable) plus the rule itself, whose fixed fields are read through. CRS records about
 * ninety of these on every request (its `pass`/`nolog` bookkeeping rules), so each is kept small.
 */
export class RuleMatch implements MatchedRule {
  constructor(
    private readonly rule: CompiledRule,
    readonly msg: string,
    readonly logdata: string,
    readonly matchedVarName: string,
  ) {}
  get id(): number {
    return this.rule.id;
  }
  get phase(): number {
    return this.rule.phase;
  }
  get file(): string {
    return this.rule.file;
  }
  get line(): number {
    return this.rule.line;
  }
  get severity(): string | undefined {
    return this.rule.severity;
  }
  get tags(): string[] {
    return this.rule.tags;
  }
  get log(): boolean {
    return this.rule.log;
  }
  toJSON(): MatchedRule {
    const { id, phase, file, line, msg, logdata, severity, tags, log, matchedVarName } = this;
    return { id, phase, file, line, msg, logdata, ...(severity !== undefined ? { severity } : {}), tags, log, matchedVarName };
  }
}
