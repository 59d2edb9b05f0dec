/**
 * CVSS v4.0 base score from a vector, for advisories that give a v4 vector but no vendor
 * rating. The vector is validated here (all eleven base metrics, allowed values); the
 * MacroVector scoring itself comes from `ae-cvss-calculator`.
 */
import { createRequire } from 'node:module';

const BASE_METRICS: Record<string, readonly string[]> = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  AT: ['N', 'P'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'P', 'A'],
  VC: ['H', 'L', 'N'],
  VI: ['H', 'L', 'N'],
  VA: ['H', 'L', 'N'],
  SC: ['H', 'L', 'N'],
  SI: ['H', 'L', 'N'],
  SA: ['H', 'L', 'N'],
};

interface Cvss4Calculator {
  calculateScores(): { base?: number; baseMetricsOnly?: number };
}
type Cvss4Constructor = new (vector: string) => Cvss4Calculator;

let constructor: Cvss4Constructor | undefined;

/** The CVSS-B score (base metrics only) of a `CVSS:4.0/…` vector, or undefined when it is not one. */
export function cvss4BaseScore(vector: string): number | undefined {
  if (!vector.startsWith('CVSS:4.0/')) return undefined;
  const parts = new Map<string, string>();
  for (const part of vector.slice(9).split('/')) {
    const [key = '', value = ''] = part.split(':');
    if (parts.has(key)) return undefined;
    parts.set(key, value);
  }
  for (const [metric, allowed] of Object.entries(BASE_METRICS)) if (!allowed.includes(parts.get(metric) ?? '')) return undefined;
  const base = [...Object.keys(BASE_METRICS)].map((m) => `${m}:${parts.get(m) as string}`).join('/');
  constructor ??= (createRequire(import.meta.url)('ae-cvss-calculator') as { Cvss4P0: Cvss4Constructor }).Cvss4P0;
  try {
    const scores = new constructor(`CVSS:4.0/${base}`).calculateScores();
    const score = scores.baseMetricsOnly ?? scores.base;
    return typeof score === 'number' && Number.isFinite(score) ? score : undefined;
  } catch {
    return undefined;
  }
}
