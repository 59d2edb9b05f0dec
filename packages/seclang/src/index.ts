/**
 * @bulwark/seclang: a SecLang (ModSecurity / Coraza rule language) implementation for Node.
 * Today: parsing rule sets such as the OWASP Core Rule Set into a typed model.
 */
export * from './model.js';
export { SecLangError } from './errors.js';
export { parseRuleSetFiles, parseRuleSetText } from './parse/parse-rule-set.js';
export { parseActions } from './parse/actions.js';
export { parseVariables } from './parse/variables.js';
export { parseOperator } from './parse/operator.js';
export { logicalLines, splitArguments } from './parse/lines.js';
export { TRANSFORMATIONS, applyTransformations, type Transformation } from './transform/registry.js';
export { fromBytes, toBytes } from './transform/bytes.js';
export { AhoCorasick, type AcHit } from './util/aho-corasick.js';
export { OPERATORS, compileOperator, type CompileOutcome } from './operator/registry.js';
export { NO_ENV, type CompileContext, type CompiledOperator, type OperatorEnv, type OperatorResult } from './operator/operator.js';
export { loadFtwTests, parseFtwFile, parseFtwOverrides, requestBytes, type FtwInput, type FtwLoadResult, type FtwOutput, type FtwOverride, type FtwStage, type FtwTest } from './ftw/ftw-tests.js';
export { parseRawRequest, type RawRequest } from './request/raw-request.js';
export { Collection, parseArguments, requestVariables, type Entry, type RequestVariables } from './request/collections.js';
export { Waf, bundledConfig, type RuleSource } from './engine/waf.js';
export { Transaction, type Interruption, type TransactionOptions } from './engine/transaction.js';
export type { MatchedRule } from './engine/matched-rule.js';
export { compileRuleSet } from './engine/compile.js';
export type { CompiledRuleSet, EngineSettings } from './engine/compiled.js';
export { runFtwTests, logLine, type FtwCaseResult, type FtwRunSummary } from './ftw/runner.js';
export { echoBackend, type BackendResponse } from './ftw/echo-backend.js';
export { BODY_PROCESSORS } from './body/registry.js';
export { detectSqli, type SqliResult } from './detect/sqli.js';
export { detectXss, type XssResult } from './detect/xss.js';
export { tokenizeSql, type SqlToken, type SqlTokenType } from './detect/sql-tokenizer.js';
export { ruleFilesFor, ruleSetLayout } from './engine/rule-files.js';
export { createWafProxy, createMetricsServer, type ProxyOptions, type WafProxy } from './http/proxy.js';
export { wafRequestListener, wafUpgradeListener, wafExpress, wafFastify, type MiddlewareOptions, type FastifyLike } from './http/middleware.js';
export { requestHead, auditRecord, type AuditRecord } from './http/inspect.js';
export { WafMetrics } from './http/metrics.js';
export { runFtwTestsAgainstUrl } from './ftw/url-runner.js';
