/**
 * Prometheus counters and an inspection-time histogram for the WAF, rendered in the text
 * exposition format (no client library needed for a handful of series).
 */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export class WafMetrics {
  private readonly requests = new Map<string, number>();
  private readonly ruleHits = new Map<number, number>();
  private upstreamErrors = 0;
  private readonly histogram = new Array<number>(BUCKETS.length).fill(0);
  private inspectionSum = 0;
  private inspectionCount = 0;

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
    this.inspectionSum += seconds;
    this.inspectionCount++;
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.histogram[i] = (this.histogram[i] ?? 0) + 1;
    });
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
      ...BUCKETS.map((b, i) => `bulwark_waf_inspection_seconds_bucket{le="${b}"} ${this.histogram[i] ?? 0}`),
      `bulwark_waf_inspection_seconds_bucket{le="+Inf"} ${this.inspectionCount}`,
      `bulwark_waf_inspection_seconds_sum ${this.inspectionSum.toFixed(6)}`,
      `bulwark_waf_inspection_seconds_count ${this.inspectionCount}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
