/**
 * Prometheus counters and histograms for the WAF — requests by outcome, rule matches, upstream
 * errors, inspection time, and the process's garbage-collection pauses (what a Node proxy's
 * tail latency is made of) — rendered in the text exposition format (no client library needed
 * for a handful of series).
 */
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

const INSPECTION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const GC_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1];

/** Cumulative buckets, sum and count of observed values. */
class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(private readonly buckets: readonly number[]) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] as number)) this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  /** Its series; `labels` is `''` or `key="value"`. */
  lines(name: string, labels = ''): string[] {
    const join = (extra: string): string => [labels, extra].filter(Boolean).join(',');
    const braces = labels ? `{${labels}}` : '';
    return [
      ...this.buckets.map((b, i) => `${name}_bucket{${join(`le="${b}"`)}} ${this.counts[i] ?? 0}`),
      `${name}_bucket{${join('le="+Inf"')}} ${this.count}`,
      `${name}_sum${braces} ${this.sum.toFixed(6)}`,
      `${name}_count${braces} ${this.count}`,
    ];
  }
}

type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb';
const GC_KINDS: Readonly<Record<number, GcKind>> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export class WafMetrics {
  private readonly requests = new Map<string, number>();
  private readonly ruleHits = new Map<number, number>();
  private upstreamErrors = 0;
  private readonly inspectionTime = new Histogram(INSPECTION_BUCKETS);
  private readonly gcPauses = new Map<GcKind, Histogram>();
  private gcObserver: PerformanceObserver | undefined;
  private gcObservers = 0;

  /** `rejected`: refused by Node's HTTP parser before any rule ran. */
  request(outcome: 'passed' | 'blocked' | 'detected' | 'rejected'): void {
    this.requests.set(outcome, (this.requests.get(outcome) ?? 0) + 1);
  }

  rules(ids: readonly number[]): void {
    for (const id of ids) this.ruleHits.set(id, (this.ruleHits.get(id) ?? 0) + 1);
  }

  upstreamError(): void {
    this.upstreamErrors++;
  }

  /** Time spent in the engine for one request (seconds). */
  inspection(seconds: number): void {
    this.inspectionTime.observe(seconds);
  }

  /** Starts recording this process's collection pauses; each call wants one `stopObservingGc` (proxies may share the metrics). */
  observeGc(): void {
    if (this.gcObservers++ > 0) return;
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.gcPause(entry);
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  stopObservingGc(): void {
    if (this.gcObservers === 0 || --this.gcObservers > 0) return;
    this.gcObserver?.disconnect();
    this.gcObserver = undefined;
  }

  private gcPause(entry: PerformanceEntry): void {
    const detail = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail;
    const kind = GC_KINDS[detail?.kind ?? -1];
    if (!kind) return;
    let histogram = this.gcPauses.get(kind);
    if (!histogram) this.gcPauses.set(kind, (histogram = new Histogram(GC_BUCKETS)));
    histogram.observe(entry.duration / 1000);
  }

  render(): string {
    const lines = [
      '# HELP bulwark_waf_requests_total Requests seen by the WAF, by outcome.',
      '# TYPE bulwark_waf_requests_total counter',
      ...['passed', 'blocked', 'detected', 'rejected'].map((o) => `bulwark_waf_requests_total{outcome="${o}"} ${this.requests.get(o) ?? 0}`),
      '# HELP bulwark_waf_rule_matches_total Logged rule matches, by rule id.',
      '# TYPE bulwark_waf_rule_matches_total counter',
      ...[...this.ruleHits].sort((a, b) => a[0] - b[0]).map(([id, n]) => `bulwark_waf_rule_matches_total{rule_id="${id}"} ${n}`),
      '# HELP bulwark_waf_upstream_errors_total Requests the upstream could not answer.',
      '# TYPE bulwark_waf_upstream_errors_total counter',
      `bulwark_waf_upstream_errors_total ${this.upstreamErrors}`,
      '# HELP bulwark_waf_inspection_seconds Time spent evaluating rules per request.',
      '# TYPE bulwark_waf_inspection_seconds histogram',
      ...this.inspectionTime.lines('bulwark_waf_inspection_seconds'),
      '# HELP bulwark_waf_gc_pause_seconds Garbage-collection pauses of the WAF process, by kind (minor = scavenge).',
      '# TYPE bulwark_waf_gc_pause_seconds histogram',
      ...Object.values(GC_KINDS).flatMap((kind) => this.gcPauses.get(kind)?.lines('bulwark_waf_gc_pause_seconds', `kind="${kind}"`) ?? []),
    ];
    return `${lines.join('\n')}\n`;
  }
}
