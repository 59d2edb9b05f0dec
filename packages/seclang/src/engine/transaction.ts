/**
 * One HTTP exchange through the rules: phases 1 (request headers), 2 (request body, after the
 * body processor), 3 (response headers), 4 (response body) and 5 (logging). Owns rule
 * evaluation — cached transformations, the @rx set prefilter, multiMatch, captures, chains,
 * per-match actions, skip/skipAfter, disruptive actions per engine mode — and the matched-rule
 * log; which values a link looks at is `link-targets.ts`.
 */
import { BODY_PROCESSORS, defaultProcessor } from '../body/registry.js';
import { Collection, collectionOf, deriveArgumentViews, requestHeadVariables, type RequestHead } from '../request/collections.js';
import type { PerMatchAction, TransactionControls } from './actions.js';
import type { CompiledRule, CompiledRuleSet } from './compiled.js';
import { LinkTargets } from './link-targets.js';
import { RuleMatch, type MatchedRule } from './matched-rule.js';
import type { RxSetGroup } from './rx-prefilter.js';
import { expandMacros, type TargetValue, type VariableSource } from './targets.js';
import type { Transformation } from '../transform/registry.js';
import { enterRepeatWindow, newRepeatWindow } from '../util/repeat-memo.js';

export interface Interruption {
  ruleId: number;
  action: 'deny' | 'drop' | 'redirect';
  status: number;
  redirect?: string;
}

export interface TransactionOptions {
  id?: string;
  remoteAddr?: string;
  remotePort?: number;
  serverPort?: number;
}

const NO_BYTES = Buffer.alloc(0);
const LIMITS = { maxDepth: 512, maxArgs: 1000 };
const PORT_SUFFIX = /:\d+$/;
const CAPTURE_KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
let counter = 0;
/** Workers of one `bulwark waf` share a clock and each count from 0: the pid keeps their ids apart. */
const PROCESS_TAG = process.pid.toString(36);

function applyChain(chain: readonly Transformation[], value: string): string {
  let v = value;
  for (let i = 0; i < chain.length; i++) v = (chain[i] as Transformation)(v);
  return v;
}

export class Transaction {
  readonly id: string;
  readonly matched: MatchedRule[] = [];
  /** Set when a disruptive action stopped the exchange (engine On). */
  interruption?: Interruption;
  /** What would have been done in DetectionOnly mode. */
  wouldInterrupt?: Interruption;
  private readonly source: VariableSource;
  private readonly controls: TransactionControls;
  private skipRequestPhases = false;
  private skipResponsePhases = false;
  private readonly done = new Set<number>();
  /** The rule whose operator runs now: macros in its argument expand against it. */
  private currentRule: CompiledRule | undefined;
  /** One environment object for every operator call of this transaction. */
  private readonly env = { expand: (text: string): string => expandMacros(text, this.source, this.currentRule) };
  private readonly matchedVars = new Collection(false);
  private readonly matchedVarNames = new Collection(false);
  /** The values each rule link looks at. */
  private readonly targets: LinkTargets;
  /** Set-pass answers for values seen once (so far), by group slot. */
  private readonly setCache: (Map<string, ReadonlySet<number>> | undefined)[];
  /** Values this transaction sees twice are not taken for values that repeat across requests. */
  private readonly repeatWindow = newRepeatWindow();

  constructor(
    private readonly rules: CompiledRuleSet,
    private readonly options: TransactionOptions = {},
  ) {
    this.id = options.id ?? `${Date.now().toString(36)}-${PROCESS_TAG}-${(counter++).toString(36)}`;
    const { settings } = rules;
    this.controls = { mode: settings.mode, removedRules: [], removedTargets: [], requestBodyAccess: settings.requestBodyAccess, responseBodyAccess: settings.responseBodyAccess, forceRequestBodyVariable: false };
    const { slots } = rules;
    this.source = { scalars: new Map(), scalarViews: new Array(slots.viewSlots), collections: new Map([['MATCHED_VARS', this.matchedVars], ['MATCHED_VARS_NAMES', this.matchedVarNames]]) };
    this.targets = new LinkTargets(slots, this.source, this.controls.removedTargets);
    this.setCache = new Array(slots.groupSlots);
  }

  get mode(): string {
    return this.controls.mode;
  }

  /** `SecRuleEngine Off`: no rule can run (only a rule's `ctl` could turn it on), so nothing is collected. */
  private get engineOff(): boolean {
    return this.controls.mode === 'Off';
  }

  /** TX, for inspection (anomaly scores) and tests. */
  get tx(): Collection {
    return this.collection('TX');
  }

  private collection(name: string): Collection {
    return collectionOf(this.source.collections, name);
  }

  /** Phase 1. */
  processRequestHeaders(head: RequestHead): Interruption | undefined {
    if (this.engineOff) return undefined;
    const vars = requestHeadVariables(head, this.options.remoteAddr ?? '127.0.0.1', this.rules.settings.argumentSeparator);
    // The request's own maps become the transaction's (copying them would grow two more maps);
    // until now the transaction held only its MATCHED_VARS collections.
    for (const [k, v] of this.source.collections) vars.collections.set(k, v);
    this.source.collections = vars.collections;
    this.source.scalars = vars.scalars;
    const s = this.source.scalars;
    s.set('REMOTE_PORT', String(this.options.remotePort ?? 0));
    s.set('SERVER_PORT', String(this.options.serverPort ?? 80));
    s.set('SERVER_NAME', this.header('host').replace(PORT_SUFFIX, ''));
    s.set('UNIQUE_ID', this.id);
    s.set('REQUEST_BODY_LENGTH', '0');
    s.set('FILES_COMBINED_SIZE', '0');
    s.set('REQBODY_ERROR', '0');
    // Single-valued variables always exist (empty until known), as in Coraza: a negated
    // operator on REQBODY_PROCESSOR must see '' when no processor applies.
    for (const name of ['REQBODY_PROCESSOR', 'REQUEST_BODY', 'RESPONSE_BODY', 'REQBODY_ERROR_MSG']) s.set(name, '');
    const processor = defaultProcessor(this.header('content-type'));
    if (processor) {
      this.controls.bodyProcessor = processor;
      s.set('REQBODY_PROCESSOR', processor);
    }
    for (const name of ['TX', 'FILES', 'FILES_NAMES', 'FILES_SIZES', 'MULTIPART_PART_HEADERS', 'ENV', 'IP', 'GLOBAL', 'SESSION', 'USER', 'RESPONSE_HEADERS', 'RESPONSE_HEADERS_NAMES']) this.collection(name);
    this.targets.forget();
    return this.runPhase(1);
  }

  private header(name: string): string {
    return this.collection('REQUEST_HEADERS').firstLower(name)?.value ?? '';
  }

  /** Body processing and phase 2. */
  processRequestBody(bodyBytes: Buffer = NO_BYTES): Interruption | undefined {
    if (this.engineOff) return undefined;
    if (this.interruption) return this.interruption;
    const s = this.source.scalars;
    let bytes = bodyBytes;
    if (bytes.length > this.rules.settings.requestBodyLimit) {
      if (this.rules.settings.requestBodyLimitAction === 'Reject' && this.controls.mode === 'On') {
        this.interruption = { ruleId: 0, action: 'deny', status: 413 };
        return this.interruption;
      }
      bytes = bytes.subarray(0, this.rules.settings.requestBodyLimit);
    }
    s.set('REQUEST_BODY_LENGTH', String(bodyBytes.length));
    if (this.controls.requestBodyAccess && bytes.length > 0) {
      const body = bytes.toString('latin1');
      const name = this.controls.bodyProcessor;
      const processor = name ? BODY_PROCESSORS[name] : undefined;
      if (name === 'URLENCODED' || this.controls.forceRequestBodyVariable) s.set('REQUEST_BODY', body);
      if (processor) this.applyBody(processor(body, this.header('content-type'), LIMITS));
    }
    this.targets.forget();
    return this.runPhase(2);
  }

  private applyBody(result: ReturnType<(typeof BODY_PROCESSORS)[string]>): void {
    const s = this.source.scalars;
    const post = new Collection();
    for (const e of result.args) post.add(e.key, e.value);
    this.source.collections.set('ARGS_POST', post);
    deriveArgumentViews(this.source);
    const files = this.collection('FILES');
    const names = this.collection('FILES_NAMES');
    const sizes = this.collection('FILES_SIZES');
    for (const f of result.files) {
      files.add(f.name, f.filename);
      names.add(f.name, f.name);
      sizes.add(f.name, String(f.size));
    }
    s.set('FILES_COMBINED_SIZE', String(result.files.reduce((n, f) => n + f.size, 0)));
    const headers = this.collection('MULTIPART_PART_HEADERS');
    for (const h of result.partHeaders) headers.add(h.key, h.value);
    for (const [k, v] of result.flags) s.set(k, v);
    if (result.xml) this.source.xml = result.xml;
    if (result.error) {
      s.set('REQBODY_ERROR', '1');
      s.set('REQBODY_PROCESSOR_ERROR', '1');
      s.set('REQBODY_ERROR_MSG', result.error);
    }
  }

  /** Phase 3. */
  processResponseHeaders(status: number, protocol: string, headers: readonly (readonly [string, string])[]): Interruption | undefined {
    if (this.engineOff) return undefined;
    const s = this.source.scalars;
    s.set('RESPONSE_STATUS', String(status));
    s.set('RESPONSE_PROTOCOL', protocol);
    s.set('STATUS_LINE', `${protocol} ${status}`);
    const h = new Collection();
    const n = new Collection();
    for (const [k, v] of headers) {
      h.add(k, v);
      n.add(k, k);
    }
    this.source.collections.set('RESPONSE_HEADERS', h);
    this.source.collections.set('RESPONSE_HEADERS_NAMES', n);
    s.set('RESPONSE_CONTENT_TYPE', h.firstLower('content-type')?.value ?? '');
    s.set('RESPONSE_CONTENT_LENGTH', h.firstLower('content-length')?.value ?? '');
    this.targets.forget();
    return this.runPhase(3);
  }

  /** Whether phase 4 will look at the body (access on and a listed MIME type). */
  wantsResponseBody(): boolean {
    const type = (this.source.scalars.get('RESPONSE_CONTENT_TYPE') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    return !this.engineOff && this.controls.responseBodyAccess && this.rules.settings.responseBodyMimeTypes.includes(type);
  }

  /** Phase 4. */
  processResponseBody(body: Buffer = NO_BYTES): Interruption | undefined {
    if (this.engineOff) return undefined;
    if (this.wantsResponseBody()) this.source.scalars.set('RESPONSE_BODY', body.subarray(0, this.rules.settings.responseBodyLimit).toString('latin1'));
    this.targets.forget();
    return this.runPhase(4);
  }

  /** Phase 5. */
  processLogging(): void {
    this.runPhase(5);
  }

  private removed(rule: CompiledRule): boolean {
    const removed = this.controls.removedRules;
    for (let i = 0; i < removed.length; i++) if ((removed[i] as (r: CompiledRule) => boolean)(rule)) return true;
    return false;
  }

  private runPhase(phase: number): Interruption | undefined {
    if (this.done.has(phase)) return this.interruption;
    this.done.add(phase);
    if (this.engineOff) return undefined;
    if (phase < 5 && this.interruption) return this.interruption;
    if ((phase <= 2 && this.skipRequestPhases) || (phase >= 3 && phase <= 4 && this.skipResponsePhases)) return undefined;
    const items = this.rules.phases[phase] ?? [];
    enterRepeatWindow(this.repeatWindow);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!item || 'marker' in item) continue;
      const rule = item.rule;
      if (this.removed(rule) || !this.evaluate(rule)) continue;
      this.record(rule);
      if (rule.disruptive && rule.disruptive !== 'pass') {
        const stop = this.disrupt(rule, phase);
        if (stop) return this.interruption;
      }
      if (rule.skipAfter !== undefined) {
        let j = i + 1;
        while (j < items.length && !(('marker' in (items[j] as object)) && (items[j] as { marker: string }).marker === rule.skipAfter)) j++;
        i = j;
      } else if (rule.skip) {
        let left = rule.skip;
        while (left > 0 && i + 1 < items.length) {
          i++;
          if (!('marker' in (items[i] as object))) left--;
        }
      }
    }
    return this.interruption;
  }

  /** Applies a matched rule's disruptive action; true when processing of this phase stops. */
  private disrupt(rule: CompiledRule, phase: number): boolean {
    const action = rule.disruptive;
    if (action === 'allow') {
      if (this.controls.mode !== 'On') return false;
      const scope = (rule.allowScope ?? '').toLowerCase();
      if (scope === 'phase') return true;
      this.skipRequestPhases = true;
      if (scope !== 'request') this.skipResponsePhases = true;
      return phase <= 2 || scope !== 'request';
    }
    const interruption: Interruption = action === 'redirect' ? { ruleId: rule.id, action: 'redirect', status: rule.status && rule.status >= 300 && rule.status < 400 ? rule.status : 302, redirect: expandMacros(rule.redirect ?? '', this.source, rule) } : { ruleId: rule.id, action: action === 'drop' ? 'drop' : 'deny', status: rule.status ?? 403 };
    if (this.controls.mode !== 'On') {
      this.wouldInterrupt ??= interruption;
      return false;
    }
    this.interruption = interruption;
    return true;
  }

  private record(rule: CompiledRule): void {
    if (!rule.id) return;
    const { source } = this;
    this.matched.push(new RuleMatch(rule, expandMacros(rule.msg ?? '', source, rule), expandMacros(rule.logdata ?? '', source, rule), source.scalars.get('MATCHED_VAR_NAME') ?? ''));
  }

  /** A rule and its chain: true when every link matched. */
  private evaluate(head: CompiledRule): boolean {
    this.matchedVars.clear();
    this.matchedVarNames.clear();
    for (let link: CompiledRule | undefined = head; link; link = link.chained) if (!this.evaluateLink(link, head)) return false;
    return true;
  }

  /**
   * Which patterns of a group match this value (one set pass per group and value). Values that
   * repeat across requests are remembered by the group; the rest here, for this transaction.
   */
  private setMatches(group: RxSetGroup, value: string): ReadonlySet<number> {
    const remembered = group.remembered(value);
    if (remembered !== undefined) return remembered;
    let perValue = this.setCache[group.slot];
    if (!perValue) this.setCache[group.slot] = perValue = new Map();
    let hits = perValue.get(value);
    if (!hits) perValue.set(value, (hits = group.match(value)));
    return hits;
  }

  /**
   * The value after the rule's transformations. For stable request data the outcome is kept on
   * the value's view: a bit when the chain left the value as it was, else the result next to the
   * chain's key (a rule set has a few dozen distinct chains, and the keys are the same string
   * objects, so the scan compares pointers).
   */
  private transformOnce(rule: CompiledRule, target: TargetValue): string {
    const chain = rule.transformations;
    if (chain.length === 0) return target.value;
    if (!target.stable) return applyChain(chain, target.value);
    const bit = rule.transformBit;
    if ((target.unchanged & bit) !== 0) return target.value;
    const cached = target.transformed;
    if (cached !== undefined) for (let i = 0; i < cached.length; i += 2) if (cached[i] === rule.transformKey) return cached[i + 1] as string;
    const to = applyChain(chain, target.value);
    if (bit !== 0 && to === target.value) target.unchanged |= bit;
    else if (cached === undefined) target.transformed = [rule.transformKey, to];
    else cached.push(rule.transformKey, to);
    return to;
  }

  /**
   * `multiMatch`: the operator sees the value before the transformations and again after each
   * one that changed it; the first match ends the round (values are made as they are needed).
   */
  private testEachStep(rule: CompiledRule, target: TargetValue): boolean {
    let v = target.value;
    if (this.test(rule, target, v)) return true;
    const chain = rule.transformations;
    for (let i = 0; i < chain.length; i++) {
      const next = (chain[i] as Transformation)(v);
      if (next === v) continue;
      v = next;
      if (this.test(rule, target, v)) return true;
    }
    return false;
  }

  /** One operator call on one (transformed) value; true when it matched and the match was recorded. */
  private test(rule: CompiledRule, target: TargetValue, value: string): boolean {
    const pf = rule.rxPrefilter;
    if (pf && !this.setMatches(pf.group, value).has(pf.index)) {
      // The set pass proved the pattern absent: no match, or a match for `!@rx`.
      if (!pf.negated) return false;
      this.onMatch(rule, target, value, undefined);
      return true;
    }
    this.currentRule = rule;
    const outcome = rule.operator(value, this.env);
    if (!outcome.matched) return false;
    this.onMatch(rule, target, value, outcome.captures);
    return true;
  }

  private evaluateLink(rule: CompiledRule, head: CompiledRule): boolean {
    const targets = this.targets.resolve(rule, head);
    const count = this.targets.count;
    let matched = false;
    for (let i = 0; i < count; i++) {
      const target = targets[i] as TargetValue;
      if (rule.multiMatch) {
        if (this.testEachStep(rule, target)) matched = true;
      } else if (this.test(rule, target, this.transformOnce(rule, target))) matched = true;
    }
    return matched;
  }

  private onMatch(rule: CompiledRule, target: TargetValue, value: string, captures: readonly string[] | undefined): void {
    if (rule.capture && captures) {
      const tx = this.collection('TX');
      for (let i = 0; i < CAPTURE_KEYS.length && i < captures.length; i++) tx.set(CAPTURE_KEYS[i] as string, captures[i] as string);
    }
    const s = this.source.scalars;
    // As in ModSecurity, MATCHED_VAR(S) hold the value after the rule's transformations
    // (chained links such as CRS 932200's re-test what the head saw).
    s.set('MATCHED_VAR', value);
    s.set('MATCHED_VAR_NAME', target.name);
    const lower = (target.lowerName ??= target.name.toLowerCase());
    this.matchedVars.add(target.name, value, lower);
    this.matchedVarNames.add(target.name, target.name, lower);
    const actions = rule.perMatch;
    for (let i = 0; i < actions.length; i++) (actions[i] as PerMatchAction)(this.source, this.controls, rule);
  }
}
