/**
 * `bulwark config` on the real-world corpus (test/fixtures/config-corpus, 50 files from
 * public projects): every file is read, the one malformed upstream file is an error naming
 * its line, and the known problems of these files are found where they are.
 */
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';

const CORPUS = resolve(import.meta.dirname, 'fixtures/config-corpus');

it('finds the real problems of the real-world corpus', () => {
  const run = runCli(['config', CORPUS, '-f', 'json']);
  expect(run.status).toBe(2);
  const report = JSON.parse(run.stdout) as { misconfigurations: { checkId: string; path: string; line: number }[]; problems: { input: string; code: string }[] };
  expect(report.problems.map((p) => `${p.code} ${p.input.slice(CORPUS.length + 1)}`)).toEqual(['MALFORMED_CONFIG gitlab/026sourav_node-todo-cicd/.gitlab-ci.yml:27']);
  const at = (id: string): string[] => report.misconfigurations.filter((f) => f.checkId === id).map((f) => `${f.path.slice(CORPUS.length + 1)}:${f.line}`).sort();
  expect(at('compose-docker-socket')).toEqual(['awesome-compose/portainer/docker-compose.yaml:10']);
  expect(at('compose-security-opt-unconfined')).toEqual(['awesome-compose/netdata/compose.yaml:13']);
  expect(at('compose-host-namespaces')).toEqual(['awesome-compose/plex/compose.yaml:5']);
  expect(at('gha-self-hosted-pull-request')).toEqual(['microservices-demo/.github/workflows/ci-pr-fork.yaml:23', 'microservices-demo/.github/workflows/ci-pr-fork.yaml:40']);
  expect(at('dockerfile-pipefail')).toEqual(['microservices-demo/src/adservice/Dockerfile:33']);
  expect(at('dockerfile-secret-in-arg-env')).toEqual(['microservices-demo/src/frontend/Dockerfile:19', 'microservices-demo/src/frontend/Dockerfile:23']);
  expect(at('k8s-service-exposed')).toEqual(['microservices-demo/kubernetes-manifests/frontend.yaml:110']);
  expect(at('gitlab-image-latest')).toContain('gitlab/039710_simple-ci-cd-gitlab/.gitlab-ci.yml:13');
  // The hardened checkoutservice Deployment passes every restricted control but seccomp, which it does not set.
  expect(report.misconfigurations.filter((f) => f.path.endsWith('checkoutservice.yaml') && f.checkId.startsWith('pss-')).map((f) => f.checkId)).toEqual(['pss-restricted-seccomp']);
  expect(new Set(report.misconfigurations.map((f) => f.path)).size).toBeGreaterThanOrEqual(40);
});
