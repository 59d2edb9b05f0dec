import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCustomChecks } from '../src/misconfig/custom/custom-checks.js';
import { scanConfigInputs } from '../src/misconfig/scan-config.js';

function policyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-policy-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const POLICY = {
  'k8s.yaml': `checks:
  - id: acme-team-label
    title: Workloads carry a team label
    severity: HIGH
    type: kubernetes
    condition: object.kind == "Deployment" && !(has(object.metadata.labels) && has(object.metadata.labels.team))
    fix: Add metadata.labels.team
  - id: acme-replicas
    type: kubernetes
    condition: object.kind == "Deployment" && object.spec.replicas < 2
    message: fewer than two replicas
`,
  'docker.yml': `- id: acme-no-npm-install
  type: dockerfile
  each: instruction
  condition: instruction.keyword == "RUN" && instruction.args.contains("npm install")
  fix: Use npm ci
- id: acme-base-from-registry
  type: dockerfile
  condition: dockerfile.stages.exists(s, !s.image.startsWith("registry.acme.io/"))
`,
  'ci.yaml': `- id: acme-job-timeout
  type: github-actions
  each: job
  condition: "!('timeout-minutes' in job)"
- id: acme-compose-restart
  type: compose
  each: service
  condition: "!has(service.restart)"
`,
};

describe('custom checks (CEL)', () => {
  it('evaluate per object, instruction, job and service, with lines and resources', () => {
    const custom = loadCustomChecks(policyDir(POLICY));
    const report = scanConfigInputs(
      [
        { path: 'deploy.yaml', text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels: {team: core}\nspec:\n  replicas: 3\n' },
        { path: 'Dockerfile', text: 'FROM registry.acme.io/node:20\nRUN npm install\nRUN npm ci\n' },
        { path: '.github/workflows/ci.yml', text: 'on: push\njobs:\n  a:\n    runs-on: x\n    timeout-minutes: 5\n  b:\n    runs-on: x\n' },
        { path: 'compose.yaml', text: 'services:\n  web:\n    image: a:1\n    restart: always\n  db:\n    image: b:1\n' },
      ],
      { custom },
      'x',
    );
    const custom_ = (report.misconfigurations ?? []).filter((f) => f.checkId.startsWith('acme-')).map((f) => `${f.checkId} ${f.path}:${f.line}${f.resource ? ` ${f.resource}` : ''} ${f.message}`);
    expect(custom_.sort()).toEqual(
      [
        'acme-team-label deploy.yaml:1 Deployment/web Workloads carry a team label',
        'acme-replicas deploy.yaml:1 Deployment/web fewer than two replicas',
        'acme-no-npm-install Dockerfile:2 acme-no-npm-install',
        'acme-job-timeout .github/workflows/ci.yml:7 job b acme-job-timeout',
        'acme-compose-restart compose.yaml:6 service db acme-compose-restart',
      ].sort(),
    );
    expect(report.misconfigurations?.find((f) => f.checkId === 'acme-team-label')).toMatchObject({ severity: 'HIGH', fix: 'Add metadata.labels.team', category: 'custom' });
  });

  it('rejects broken policies with a clear error', () => {
    expect(() => loadCustomChecks(policyDir({ 'a.yaml': '- id: x\n  type: kubernetes\n  condition: object.kind ==\n' }))).toThrow(/a\.yaml: check x: invalid CEL condition/);
    expect(() => loadCustomChecks(policyDir({ 'a.yaml': '- id: x\n  type: helm\n  condition: "true"\n' }))).toThrow(/`type` must be one of/);
    expect(() => loadCustomChecks(policyDir({ 'a.yaml': '- id: x\n  type: kubernetes\n  each: job\n  condition: "true"\n' }))).toThrow(/`each` for kubernetes/);
  });
});
