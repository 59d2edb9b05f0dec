/**
 * The embedding entry point: load SecLang files (globs allowed, as `Include` reads them) once,
 * then open a Transaction per HTTP exchange. `bundledConfig` names the configuration files
 * this package ships (`base.conf`, `crs-regression.conf`, `virtual-patches.conf`).
 */
import { fileURLToPath } from 'node:url';
import type { RuleSet } from '../model.js';
import { parseRuleSetFiles, parseRuleSetText } from '../parse/parse-rule-set.js';
import type { CompiledRuleSet } from './compiled.js';
import { compileRuleSet } from './compile.js';
import { Transaction, type TransactionOptions } from './transaction.js';

export function bundledConfig(name: 'base.conf' | 'crs-regression.conf' | 'virtual-patches.conf'): string {
  return fileURLToPath(new URL(`../../conf/${name}`, import.meta.url));
}

/** A rule file or glob, or inline SecLang text. */
export type RuleSource = string | { text: string };

export class Waf {
  private constructor(readonly rules: CompiledRuleSet) {}

  static fromRuleSet(ruleSet: RuleSet): Waf {
    return new Waf(compileRuleSet(ruleSet));
  }

  /** Files in order; each may be a glob (`rules/*.conf`). */
  static fromFiles(files: readonly string[]): Waf {
    return Waf.fromSources(files);
  }

  /** Files (or globs) and inline SecLang text, in order: site settings need no file of their own. */
  static fromSources(sources: readonly RuleSource[]): Waf {
    const text = sources.map((s) => (typeof s === 'string' ? `Include "${s.replace(/"/g, '\\"')}"` : s.text)).join('\n');
    return Waf.fromRuleSet(sources.length ? parseRuleSetText(text, `${process.cwd()}/<command line>`) : parseRuleSetFiles([]));
  }

  static fromText(text: string, file = '<inline>'): Waf {
    return Waf.fromRuleSet(parseRuleSetText(text, file));
  }

  newTransaction(options: TransactionOptions = {}): Transaction {
    return new Transaction(this.rules, options);
  }
}
