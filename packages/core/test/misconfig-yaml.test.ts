import { describe, expect, it } from 'vitest';
import { checkConfigs } from '../src/misconfig/scan-config.js';
import { COMPOSE_CHECKS } from '../src/misconfig/compose/compose-checks.js';
import { GITHUB_ACTIONS_CHECKS } from '../src/misconfig/ci/github-actions-checks.js';
import { GITLAB_CI_CHECKS } from '../src/misconfig/ci/gitlab-ci-checks.js';
import type { ConfigType } from '../src/model/misconfig-finding.js';

const ids = (type: ConfigType, text: string): string[] => checkConfigs([{ path: 'f.yml', text }], { type }).findings.map((f) => f.checkId);

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
const compose = (svc: string): string => `services:\n  app:\n    image: app:1.0\n    user: "1000:1000"\n${svc.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
const workflow = (on: string, job: string, top = 'permissions:\n  contents: read\n'): string => `on: ${on}\n${top}jobs:\n  build:\n    runs-on: ubuntu-latest\n${job.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
const gitlab = (text: string): string => `stages: [build]\n${text}\n`;

const CASES: [ConfigType, string, string, string][] = [
  ['compose', 'compose-privileged', compose('privileged: true'), compose('privileged: false')],
  ['compose', 'compose-host-namespaces', compose('network_mode: host'), compose('network_mode: bridge')],
  ['compose', 'compose-docker-socket', compose('volumes:\n  - /var/run/docker.sock:/var/run/docker.sock'), compose('volumes:\n  - ./data:/data')],
  ['compose', 'compose-host-root-mount', compose('volumes:\n  - /:/host:ro'), compose('volumes:\n  - ./config:/etc/app:ro')],
  ['compose', 'compose-dangerous-capabilities', compose('cap_add:\n  - SYS_ADMIN'), compose('cap_add:\n  - NET_BIND_SERVICE')],
  ['compose', 'compose-security-opt-unconfined', compose('security_opt:\n  - seccomp:unconfined'), compose('security_opt:\n  - no-new-privileges:true')],
  ['compose', 'compose-secret-in-environment', compose('environment:\n  DB_PASSWORD: hunter2hunter2'), compose('environment:\n  DB_PASSWORD: ${DB_PASSWORD}')],
  ['compose', 'compose-secret-in-environment', compose('environment:\n  - API_KEY=abc123abc123'), compose('environment:\n  - API_KEY')],
  ['compose', 'compose-secret-in-environment', compose('environment:\n  MYSQL_PASSWORD: nextcloud'), compose('environment:\n  - MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db-password')],
  ['compose', 'compose-no-user', 'services:\n  app:\n    image: app:1.0\n', compose('')],
  ['github-actions', 'gha-template-injection', workflow('issues', 'steps:\n  - run: echo "${{ github.event.issue.title }}"'), workflow('issues', 'steps:\n  - env:\n      TITLE: ${{ github.event.issue.title }}\n    run: echo "$TITLE"')],
  ['github-actions', 'gha-template-injection', workflow('pull_request', 'steps:\n  - uses: actions/github-script@' + SHA + '\n    with:\n      script: console.log("${{ github.head_ref }}")'), workflow('pull_request', 'steps:\n  - run: echo "${{ github.sha }}"')],
  ['github-actions', 'gha-unpinned-action', workflow('push', 'steps:\n  - uses: docker/login-action@v3'), workflow('push', `steps:\n  - uses: docker/login-action@${SHA}\n  - uses: actions/checkout@v4\n  - uses: ./local-action`)],
  ['github-actions', 'gha-untrusted-checkout', workflow('pull_request_target', 'steps:\n  - uses: actions/checkout@v4\n    with:\n      ref: ${{ github.event.pull_request.head.sha }}'), workflow('pull_request_target', 'steps:\n  - uses: actions/checkout@v4')],
  ['github-actions', 'gha-permissions', workflow('push', 'steps:\n  - run: make', ''), workflow('push', 'steps:\n  - run: make')],
  ['github-actions', 'gha-permissions', workflow('push', 'steps:\n  - run: make', 'permissions: write-all\n'), workflow('push', 'permissions:\n  packages: write\nsteps:\n  - run: make', '')],
  ['github-actions', 'gha-secrets-inherit', 'on: push\npermissions: {}\njobs:\n  call:\n    uses: org/repo/.github/workflows/deploy.yml@' + SHA + '\n    secrets: inherit\n', 'on: push\npermissions: {}\njobs:\n  call:\n    uses: org/repo/.github/workflows/deploy.yml@' + SHA + '\n    secrets:\n      token: ${{ secrets.DEPLOY_TOKEN }}\n'],
  ['github-actions', 'gha-persisted-credentials', workflow('push', 'steps:\n  - uses: actions/checkout@v4\n  - uses: actions/upload-artifact@v4\n    with:\n      path: .'), workflow('push', 'steps:\n  - uses: actions/checkout@v4\n    with:\n      persist-credentials: false\n  - uses: actions/upload-artifact@v4\n    with:\n      path: .')],
  ['github-actions', 'gha-self-hosted-pull-request', 'on: pull_request\npermissions: {}\njobs:\n  t:\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: make test\n', 'on: push\npermissions: {}\njobs:\n  t:\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: make test\n'],
  ['github-actions', 'gha-curl-pipe-shell', workflow('push', 'steps:\n  - run: curl -sSL https://get.tool.sh | bash'), workflow('push', 'steps:\n  - run: curl -sSLo tool.sh https://get.tool.sh && sha256sum -c tool.sha256')],
  ['gitlab-ci', 'gitlab-unpinned-include', gitlab('include:\n  - project: group/templates\n    ref: main\n    file: /ci.yml'), gitlab(`include:\n  - project: group/templates\n    ref: ${SHA}\n    file: /ci.yml\n  - local: /ci/common.yml`)],
  ['gitlab-ci', 'gitlab-unpinned-include', gitlab('include:\n  - remote: https://example.com/ci.yml'), gitlab('include:\n  - template: Security/SAST.gitlab-ci.yml')],
  ['gitlab-ci', 'gitlab-image-latest', gitlab('build:\n  image: node\n  script: [npm ci]'), gitlab('build:\n  image: node:20.11\n  script: [npm ci]')],
  ['gitlab-ci', 'gitlab-dind-without-tls', gitlab('build:\n  image: docker:27.1\n  services: [docker:27.1-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: ""\n  script: [docker build .]'), gitlab('build:\n  image: docker:27.1\n  services: [docker:27.1-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: /certs\n  script: [docker build .]')],
  ['gitlab-ci', 'gitlab-privileged-dind', gitlab('build:\n  image: docker:27.1\n  services: [docker:27.1-dind]\n  script: [docker build .]'), gitlab('build:\n  image: gcr.io/kaniko-project/executor:v1.23.2-debug\n  script: [/kaniko/executor --context .]')],
  ['gitlab-ci', 'gitlab-secret-in-log', gitlab('deploy:\n  image: alpine:3.20\n  script:\n    - echo "token is $DEPLOY_TOKEN"'), gitlab('deploy:\n  image: alpine:3.20\n  script:\n    - echo "deploying $CI_COMMIT_SHA"')],
  ['gitlab-ci', 'gitlab-secret-in-log', gitlab('debug:\n  image: alpine:3.20\n  script:\n    - printenv'), gitlab('debug:\n  image: alpine:3.20\n  script:\n    - printenv HOME')],
  ['gitlab-ci', 'gitlab-secret-in-variables', gitlab('variables:\n  AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMIK7MDENGbPxRfiCY\n'), gitlab('variables:\n  AWS_REGION: eu-west-1\n  AWS_SECRET_ACCESS_KEY: $VAULT_AWS_SECRET\n')],
  ['gitlab-ci', 'gitlab-mr-pipeline-secrets', gitlab('test:\n  image: alpine:3.20\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n  script:\n    - ./publish --token "$NPM_TOKEN"'), gitlab('test:\n  image: alpine:3.20\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n  script:\n    - make test')],
  ['gitlab-ci', 'gitlab-curl-pipe-shell', gitlab('setup:\n  image: alpine:3.20\n  script:\n    - wget -qO- https://get.tool.sh | sh'), gitlab('setup:\n  image: alpine:3.20\n  script:\n    - wget -q https://get.tool.sh')],
];

describe('Compose, GitHub Actions and GitLab CI checks', () => {
  it('every check has a failing and a passing case here', () => {
    const covered = new Set(CASES.map(([, id]) => id));
    expect([...COMPOSE_CHECKS, ...GITHUB_ACTIONS_CHECKS, ...GITLAB_CI_CHECKS].map((c) => c.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(CASES)('%s %s', (type, id, failing, passing) => {
    expect(ids(type, failing), failing).toContain(id);
    expect(ids(type, passing), passing).not.toContain(id);
  });

  it('names the job and line of a template injection', () => {
    const text = workflow('issue_comment', 'steps:\n  - uses: actions/checkout@v4\n  - run: |\n      echo "${{ github.event.comment.body }}"');
    const f = checkConfigs([{ path: '.github/workflows/c.yml', text }], {}).findings.find((x) => x.checkId === 'gha-template-injection');
    expect(f).toMatchObject({ configType: 'github-actions', resource: 'job build', line: 9 });
  });
});
