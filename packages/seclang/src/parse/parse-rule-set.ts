/**
 * Reads SecLang files into a RuleSet: one handler per directive (the table below), `Include`
 * with `*`/`?` globs in the file name (relative to the including file, cycles refused), chains
 * joined to their head, and a typed error naming file and line for anything malformed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { SecLangError } from '../errors.js';
import type { Action, Rule, RuleSet, RuleSetItem } from '../model.js';
import { parseActions } from './actions.js';
import { logicalLines, splitArguments } from './lines.js';
import { parseOperator } from './operator.js';
import { parseVariables } from './variables.js';
import { TRANSFORMATIONS } from '../transform/registry.js';

/** Engine configuration directives kept as written (the engine reads them later). */
const CONFIG_DIRECTIVES = [
  'SecRuleEngine', 'SecRequestBodyAccess', 'SecRequestBodyLimit', 'SecRequestBodyNoFilesLimit', 'SecRequestBodyLimitAction',
  'SecRequestBodyInMemoryLimit', 'SecRequestBodyJsonDepthLimit', 'SecArgumentsLimit', 'SecResponseBodyAccess', 'SecResponseBodyMimeType',
  'SecResponseBodyMimeTypesClear', 'SecResponseBodyLimit', 'SecResponseBodyLimitAction', 'SecComponentSignature', 'SecAuditEngine',
  'SecAuditLog', 'SecAuditLogParts', 'SecAuditLogFormat', 'SecAuditLogType', 'SecAuditLogRelevantStatus', 'SecAuditLogStorageDir',
  'SecDataDir', 'SecTmpDir', 'SecUploadDir', 'SecDebugLog', 'SecDebugLogLevel', 'SecCollectionTimeout', 'SecArgumentSeparator',
  'SecCookieFormat', 'SecUnicodeMapFile', 'SecStatusEngine', 'SecPcreMatchLimit', 'SecPcreMatchLimitRecursion', 'SecRxPreFilter',
  'SecServerSignature', 'SecWebAppId', 'SecUploadKeepFiles', 'SecUploadFileMode', 'SecUploadFileLimit', 'SecTmpSaveUploadedFiles',
].map((d) => d.toLowerCase());

interface Context {
  file: string;
  line: number;
  items: RuleSetItem[];
  /** The rule whose `chain` action is waiting for the next SecRule. */
  chainTail?: Rule;
  files: string[];
  including: string[];
}

const fail = (ctx: Context, problem: string): never => {
  throw new SecLangError(ctx.file, ctx.line, problem);
};

function actionsOf(ctx: Context, text: string | undefined): Action[] {
  if (text === undefined) return [];
  const parsed = parseActions(text);
  return Array.isArray(parsed) ? parsed : fail(ctx, parsed.error);
}

function buildRule(ctx: Context, kind: Rule['kind'], variablesText: string | undefined, operatorText: string | undefined, actionsText: string | undefined): Rule {
  const variables = variablesText === undefined ? [] : parseVariables(variablesText);
  if (!Array.isArray(variables)) return fail(ctx, variables.error);
  const actions = actionsOf(ctx, actionsText);
  const rule: Rule = { kind, file: ctx.file, line: ctx.line, variables, operator: kind === 'SecAction' ? { name: 'unconditionalmatch', negated: false, argument: '' } : parseOperator(operatorText ?? ''), actions, transformations: [] };
  for (const a of actions) {
    if (a.name === 'id') {
      const id = Number(a.value);
      if (!Number.isInteger(id) || id <= 0) fail(ctx, `id '${a.value ?? ''}' is not a positive integer`);
      rule.id = id;
    } else if (a.name === 'phase') {
      const phase = a.value === 'request' ? 2 : a.value === 'response' ? 4 : a.value === 'logging' ? 5 : Number(a.value);
      if (!Number.isInteger(phase) || phase < 1 || phase > 5) fail(ctx, `phase '${a.value ?? ''}' is not 1-5`);
      rule.phase = phase;
    } else if (a.name === 't') {
      const name = (a.value ?? '').toLowerCase();
      if (name !== 'none' && !TRANSFORMATIONS[name]) fail(ctx, `unknown transformation t:${a.value ?? ''}`);
      rule.transformations.push(name);
    }
  }
  return rule;
}

/** Adds a rule, joining it to a pending chain. */
function addRule(ctx: Context, rule: Rule): void {
  if (ctx.chainTail) {
    ctx.chainTail.chained = rule;
    if (rule.phase === undefined && ctx.chainTail.phase !== undefined) rule.phase = ctx.chainTail.phase;
  } else ctx.items.push(rule);
  ctx.chainTail = rule.actions.some((a) => a.name === 'chain') ? rule : undefined;
}

type Handler = (ctx: Context, args: string[]) => void;

const HANDLERS: Record<string, Handler> = {
  secrule: (ctx, args) => {
    if (args.length < 2 || args.length > 3) fail(ctx, `SecRule takes VARIABLES OPERATOR [ACTIONS], got ${args.length} arguments`);
    addRule(ctx, buildRule(ctx, 'SecRule', args[0], args[1], args[2]));
  },
  secaction: (ctx, args) => {
    if (args.length !== 1) fail(ctx, 'SecAction takes one ACTIONS argument');
    addRule(ctx, buildRule(ctx, 'SecAction', undefined, undefined, args[0]));
  },
  secmarker: (ctx, args) => {
    if (args.length !== 1) fail(ctx, 'SecMarker takes one name');
    ctx.items.push({ kind: 'SecMarker', name: args[0] as string, file: ctx.file, line: ctx.line });
  },
  secdefaultaction: (ctx, args) => {
    if (args.length !== 1) fail(ctx, 'SecDefaultAction takes one ACTIONS argument');
    const actions = actionsOf(ctx, args[0]);
    if (!actions.some((a) => a.name === 'phase')) fail(ctx, 'SecDefaultAction must name a phase');
    ctx.items.push({ kind: 'SecDefaultAction', actions, file: ctx.file, line: ctx.line });
  },
  secruleupdatetargetbyid: (ctx, args) => updateTargets(ctx, 'SecRuleUpdateTargetById', args),
  secruleupdatetargetbytag: (ctx, args) => updateTargets(ctx, 'SecRuleUpdateTargetByTag', args),
  secruleremovebyid: (ctx, args) => ctx.items.push({ kind: 'SecRuleRemoveById', args, file: ctx.file, line: ctx.line }),
  secruleremovebytag: (ctx, args) => ctx.items.push({ kind: 'SecRuleRemoveByTag', args, file: ctx.file, line: ctx.line }),
  secruleremovebymsg: (ctx, args) => ctx.items.push({ kind: 'SecRuleRemoveByMsg', args, file: ctx.file, line: ctx.line }),
  include: (ctx, args) => {
    if (args.length !== 1) fail(ctx, 'Include takes one path');
    for (const file of expandInclude(ctx, args[0] as string)) readInto(ctx, file);
  },
};

function updateTargets(ctx: Context, kind: 'SecRuleUpdateTargetById' | 'SecRuleUpdateTargetByTag', args: string[]): void {
  if (args.length < 2 || args.length > 3) fail(ctx, `${kind} takes SELECTOR TARGETS [REPLACED]`);
  const targets = parseVariables(args[1] as string);
  if (!Array.isArray(targets)) return fail(ctx, targets.error);
  ctx.items.push({ kind, selector: args[0] as string, targets, ...(args[2] ? { replaces: args[2] } : {}), file: ctx.file, line: ctx.line });
}

function expandInclude(ctx: Context, pattern: string): string[] {
  const full = isAbsolute(pattern) ? pattern : resolve(dirname(ctx.file), pattern);
  const name = basename(full);
  if (!/[*?]/.test(name)) return [full];
  const glob = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  let entries: string[];
  try {
    entries = readdirSync(dirname(full));
  } catch {
    return fail(ctx, `Include: cannot read directory ${dirname(full)}`);
  }
  return entries.filter((e) => glob.test(e)).sort().map((e) => join(dirname(full), e)).filter((p) => statSync(p).isFile());
}

function readInto(ctx: Context, file: string): void {
  const path = resolve(file);
  if (ctx.including.includes(path)) fail(ctx, `Include cycle: ${path}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return fail(ctx, `cannot read ${path}`);
  }
  const saved = { file: ctx.file, line: ctx.line };
  ctx.including.push(path);
  ctx.files.push(path);
  ctx.file = path;
  parseInto(ctx, text);
  ctx.including.pop();
  ctx.file = saved.file;
  ctx.line = saved.line;
}

function parseInto(ctx: Context, text: string): void {
  for (const { text: line, line: number } of logicalLines(text)) {
    ctx.line = number;
    const space = line.search(/\s/);
    const directive = space < 0 ? line : line.slice(0, space);
    const args = splitArguments(space < 0 ? '' : line.slice(space));
    if (!Array.isArray(args)) fail(ctx, args.error);
    const handler = HANDLERS[directive.toLowerCase()];
    if (handler) handler(ctx, args as string[]);
    else if (CONFIG_DIRECTIVES.includes(directive.toLowerCase())) ctx.items.push({ kind: 'config', name: directive, args: args as string[], file: ctx.file, line: number });
    else fail(ctx, `unknown directive ${directive}`);
    if (ctx.chainTail && directive.toLowerCase() !== 'secrule' && directive.toLowerCase() !== 'secaction') fail(ctx, `${directive} where the chained rule of line ${ctx.chainTail.line} was expected`);
  }
}

/** Parses SecLang text (as if read from `file`, which anchors relative Includes). */
export function parseRuleSetText(text: string, file = '<inline>'): RuleSet {
  const ctx: Context = { file, line: 0, items: [], files: [file], including: [] };
  parseInto(ctx, text);
  if (ctx.chainTail) fail(ctx, `the rule at line ${ctx.chainTail.line} ends with chain but no rule follows`);
  return { items: ctx.items, files: ctx.files };
}

/** Reads files in order (each may Include others). */
export function parseRuleSetFiles(files: readonly string[]): RuleSet {
  const ctx: Context = { file: '<command line>', line: 0, items: [], files: [], including: [] };
  for (const f of files) {
    readInto(ctx, f);
    if (ctx.chainTail) throw new SecLangError(f, ctx.chainTail.line, 'the file ends inside a chain');
  }
  return { items: ctx.items, files: ctx.files };
}
