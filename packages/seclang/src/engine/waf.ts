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

export class Waf {
  private constructor(readonly rules: CompiledRuleSet) {}

  static fromRuleSet(ruleSet: RuleSet): Waf {
    return new Waf(compileRuleSet(ruleSet));
  }

  /** Files in order; each may be a glob (`rules/*.conf`). */
  static fromFiles(files: readonly string[]): Waf {
    const text = files.map((f) => `Include "${f.replace(/"/g, '\\"')}"`).join('\n');
    return Waf.fromRuleSet(files.length ? parseRuleSetText(text, `${process.cwd()}/<command line>`) : parseRuleSetFiles([]));
  }

  static fromText(text: string, file = '<inline>'): Waf {
    return Waf.fromRuleSet(parseRuleSetText(text, file));
  }

  newTransaction(options: TransactionOptions = {}): Transaction {
    return new Transaction(this.rules, options);
  }
}
