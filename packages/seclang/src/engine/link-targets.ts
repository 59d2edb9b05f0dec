/**
 * The values one rule link looks at, for one transaction: its targets less its exclusions and
 * the ones `ctl:ruleRemoveTarget*` removed, resolved against the request. Lists of stable request
 * data are resolved once per phase and shared by every link that selects them the same way (by
 * slot); values that change while rules run are resolved into one reused scratch list.
 */
import type { RemovedTarget } from './actions.js';
import { selectorText } from './compile.js';
import type { CompiledRule, CompiledTarget, SlotTables, TrimmedTargets } from './compiled.js';
import { TargetList, resolveTargets, type TargetValue, type VariableSource } from './targets.js';
import { valueView } from '../request/collections.js';

/** What a link without targets (SecAction, `SecRule` on nothing) sees: one empty value. */
const NO_TARGET: TargetValue[] = [valueView('', '', false)];

function sameRemovals(a: readonly RemovedTarget[], b: readonly RemovedTarget[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class LinkTargets {
  /** Resolved lists by `targetSlot`, for the current phase. */
  private readonly lists: (TargetValue[] | undefined)[];
  private readonly scratch = new TargetList();
  /** How many values of the list `resolve` returned last are the link's (a scratch list is longer). */
  count = 0;

  constructor(
    private readonly slots: SlotTables,
    private readonly source: VariableSource,
    private readonly removedTargets: readonly RemovedTarget[],
  ) {
    this.lists = new Array(slots.listSlots);
  }

  /** A new phase: request data may have changed (a body, response headers), so resolved lists go. */
  forget(): void {
    this.lists.fill(undefined);
  }

  /**
   * The link's values: the first `count` entries of the returned list. The list is valid until
   * the next call (nothing resolves again while a link's values are read).
   */
  resolve(rule: CompiledRule, head: CompiledRule): readonly TargetValue[] {
    if (rule.targets.length === 0) {
      this.count = 1;
      return NO_TARGET;
    }
    const trimmed = this.trimmedFor(rule, head);
    const exclusions = trimmed === undefined ? rule.exclusions : trimmed.exclusions;
    const slot = trimmed === undefined ? rule.targetSlot : trimmed.targetSlot;
    if (slot === undefined) {
      // Values that may change between rules.
      this.scratch.clear();
      resolveTargets(this.source, rule, exclusions, this.scratch);
      this.count = this.scratch.length;
      return this.scratch.items;
    }
    // Stable request data, shared by every link that selects it the same way (CRS's XSS rules
    // share one list, trimmed alike by 941010's ctl).
    let values = this.lists[slot];
    if (!values) {
      // Resolved through the scratch list and copied at its exact size (a fresh list would grow in 16-slot steps).
      this.scratch.clear();
      resolveTargets(this.source, rule, exclusions, this.scratch);
      this.lists[slot] = values = this.scratch.items.slice(0, this.scratch.length);
    }
    this.count = values.length;
    return values;
  }

  /**
   * The rule's exclusions plus the targets `ctl:ruleRemoveTarget*` removed for its chain head
   * (undefined when no removal applies). Removals are built once per ctl at load, so a merge is
   * reused (from the rule) as long as this transaction's removal list is the one it was merged for.
   */
  private trimmedFor(rule: CompiledRule, head: CompiledRule): TrimmedTargets | undefined {
    const removed = this.removedTargets;
    if (removed.length === 0) return undefined;
    const trimmed = rule.trimmed;
    if (trimmed !== undefined && sameRemovals(trimmed.removals, removed)) return trimmed;
    let merged: CompiledTarget[] | undefined;
    for (let i = 0; i < removed.length; i++) {
      const r = removed[i] as RemovedTarget;
      if (r.applies(head)) (merged ??= [...rule.exclusions]).push(r.target);
    }
    // Only merges are kept (for the few dozen rules a ctl trims); the check itself allocates nothing.
    if (!merged) return undefined;
    const targetSlot = rule.targetCacheKey === undefined ? undefined : this.slots.listSlot(`${rule.targetCacheKey}|${merged.slice(rule.exclusions.length).map(selectorText).join('|')}`);
    return (rule.trimmed = { removals: removed.slice(), exclusions: merged, targetSlot });
  }
}
