import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkConfigs, scanConfigInputs } from '../src/misconfig/scan-config.js';
import { KUBERNETES_CHECKS } from '../src/misconfig/kubernetes/registry.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DIGEST = `sha256:${'c'.repeat(64)}`;
/** A Deployment that passes the restricted profile and every other check. */
function good(): Obj[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'app',
                image: `ghcr.io/acme/web:1.2.3@${DIGEST}`,
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
                livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
                readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
              },
            ],
          },
        },
      },
    },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
  ];
}
const pod = (o: Obj[]): Obj => o[0].spec.template.spec;
const container = (o: Obj[]): Obj => pod(o).containers[0];
const yaml = (objects: Obj[]): string => objects.map((o) => stringify(o)).join('---\n');
const ids = (objects: Obj[], options = {}): string[] => checkConfigs([{ path: 'app.yaml', text: yaml(objects) }], { type: 'kubernetes', ...options }).findings.map((f) => f.checkId);
const variant = (change: (o: Obj[]) => void): Obj[] => {
  const o = good();
  change(o);
  return o;
};

// [check, make it fail, make it pass (a different, allowed value where the field exists)]
const CASES: [string, (o: Obj[]) => void, (o: Obj[]) => void][] = [
  ['pss-baseline-host-process', (o) => (pod(o).securityContext.windowsOptions = { hostProcess: true }), (o) => (pod(o).securityContext.windowsOptions = { hostProcess: false })],
  ['pss-baseline-host-namespaces', (o) => (pod(o).hostPID = true), (o) => (pod(o).hostPID = false)],
  ['pss-baseline-privileged', (o) => (container(o).securityContext.privileged = true), (o) => (container(o).securityContext.privileged = false)],
  ['pss-baseline-capabilities', (o) => (container(o).securityContext.capabilities.add = ['SYS_TIME']), (o) => (container(o).securityContext.capabilities.add = ['NET_BIND_SERVICE'])],
  ['pss-baseline-host-path', (o) => (pod(o).volumes = [{ name: 'etc', hostPath: { path: '/etc' } }]), (o) => (pod(o).volumes = [{ name: 'tmp', emptyDir: {} }])],
  ['pss-baseline-host-ports', (o) => (container(o).ports = [{ containerPort: 8080, hostPort: 8080 }]), (o) => (container(o).ports = [{ containerPort: 8080 }])],
  ['pss-baseline-apparmor', (o) => (o[0].spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }), (o) => (o[0].spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' })],
  ['pss-baseline-apparmor', (o) => (container(o).securityContext.appArmorProfile = { type: 'Unconfined' }), (o) => (container(o).securityContext.appArmorProfile = { type: 'RuntimeDefault' })],
  ['pss-baseline-selinux', (o) => (container(o).securityContext.seLinuxOptions = { type: 'spc_t' }), (o) => (container(o).securityContext.seLinuxOptions = { type: 'container_t' })],
  ['pss-baseline-selinux', (o) => (pod(o).securityContext.seLinuxOptions = { user: 'system_u' }), (o) => (pod(o).securityContext.seLinuxOptions = { level: 's0:c123,c456' })],
  ['pss-baseline-proc-mount', (o) => (container(o).securityContext.procMount = 'Unmasked'), (o) => (container(o).securityContext.procMount = 'Default')],
  ['pss-baseline-seccomp', (o) => (container(o).securityContext.seccompProfile = { type: 'Unconfined' }), (o) => (container(o).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' })],
  ['pss-baseline-sysctls', (o) => (pod(o).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]), (o) => (pod(o).securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }])],
  ['pss-baseline-probe-host', (o) => (container(o).livenessProbe.httpGet.host = '10.0.0.1'), (o) => (container(o).livenessProbe.httpGet.path = '/live')],
  ['pss-restricted-volume-types', (o) => (pod(o).volumes = [{ name: 'share', nfs: { server: 'nas', path: '/x' } }]), (o) => (pod(o).volumes = [{ name: 'cfg', configMap: { name: 'cfg' } }])],
  ['pss-restricted-privilege-escalation', (o) => (container(o).securityContext.allowPrivilegeEscalation = true), (o) => (container(o).securityContext.allowPrivilegeEscalation = false)],
  ['pss-restricted-privilege-escalation', (o) => delete container(o).securityContext.allowPrivilegeEscalation, () => undefined],
  ['pss-restricted-run-as-non-root', (o) => (pod(o).securityContext.runAsNonRoot = false), (o) => (container(o).securityContext.runAsNonRoot = true)],
  ['pss-restricted-run-as-non-root', (o) => delete pod(o).securityContext.runAsNonRoot, (o) => (pod(o).hostUsers = false)],
  ['pss-restricted-run-as-user', (o) => (container(o).securityContext.runAsUser = 0), (o) => (container(o).securityContext.runAsUser = 1000)],
  ['pss-restricted-seccomp', (o) => delete pod(o).securityContext.seccompProfile, (o) => (container(o).securityContext.seccompProfile = { type: 'RuntimeDefault' })],
  ['pss-restricted-capabilities', (o) => (container(o).securityContext.capabilities = { drop: ['NET_RAW'] }), (o) => (container(o).securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] })],
  ['k8s-resources-missing', (o) => delete container(o).resources.limits, () => undefined],
  ['k8s-resources-missing', (o) => (pod(o).initContainers = [{ name: 'init', image: `busybox:1.36@${DIGEST}`, securityContext: container(o).securityContext }]), (o) => (pod(o).initContainers = [{ name: 'init', image: `busybox:1.36@${DIGEST}`, securityContext: container(o).securityContext, resources: container(o).resources }])],
  ['k8s-root-group', (o) => delete pod(o).securityContext.runAsGroup, (o) => (container(o).securityContext.runAsGroup = 2000)],
  ['k8s-root-group', (o) => (pod(o).securityContext.supplementalGroups = [0]), (o) => (pod(o).securityContext.supplementalGroups = [3000])],
  ['k8s-probes-missing', (o) => delete container(o).readinessProbe, () => undefined],
  ['k8s-writable-root-filesystem', (o) => (container(o).securityContext.readOnlyRootFilesystem = false), () => undefined],
  ['k8s-service-account-token-mounted', (o) => delete pod(o).automountServiceAccountToken, () => undefined],
  ['k8s-image-tag-latest', (o) => (container(o).image = 'nginx:latest'), (o) => (container(o).image = `nginx:1.27@${DIGEST}`)],
  ['k8s-image-no-digest', (o) => (container(o).image = 'nginx:1.27'), (o) => (container(o).image = `docker.io/library/nginx:1.27@${DIGEST}`)],
  ['k8s-runtime-socket-mounted', (o) => (pod(o).volumes = [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }]), (o) => (pod(o).volumes = [{ name: 'data', hostPath: { path: '/srv/data' } }])],
  ['k8s-cap-sys-admin', (o) => (container(o).securityContext.capabilities.add = ['SYS_ADMIN']), (o) => (container(o).securityContext.capabilities.add = ['NET_BIND_SERVICE'])],
  ['k8s-net-raw-not-dropped', (o) => (container(o).securityContext.capabilities = { drop: ['SETUID'] }), (o) => (container(o).securityContext.capabilities = { drop: ['NET_RAW'] })],
  ['k8s-secret-in-env', (o) => (container(o).env = [{ name: 'DB_PASSWORD', value: 'hunter2' }]), (o) => (container(o).env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }])],
  ['k8s-rbac-wildcard', (o) => o.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'all' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }), (o) => o.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'read' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] })],
  ['k8s-cluster-admin-binding', (o) => o.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'ci' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [] }), (o) => o.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'ci' }, roleRef: { kind: 'Role', name: 'deployer' }, subjects: [] })],
  ['k8s-service-exposed', (o) => o.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort' } }), (o) => o.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'ClusterIP' } })],
  ['k8s-namespace-no-default-deny', (o) => o.pop(), () => undefined],
];

describe('Kubernetes checks', () => {
  it('a hardened Deployment with a default-deny policy passes every check', () => {
    expect(ids(good())).toEqual([]);
  });

  it('every check has a failing and a passing case here; PSS one per control and level', () => {
    const covered = new Set(CASES.map(([id]) => id));
    expect(KUBERNETES_CHECKS.map((c) => c.id).filter((id) => !covered.has(id) && id !== 'k8s-registry-not-allowed')).toEqual([]);
    expect(KUBERNETES_CHECKS.filter((c) => c.id.startsWith('pss-baseline-')).length).toBe(12);
    expect(KUBERNETES_CHECKS.filter((c) => c.id.startsWith('pss-restricted-')).length).toBe(6);
  });

  it.each(CASES)('%s', (id, fail, pass) => {
    expect(ids(variant(fail))).toContain(id);
    expect(ids(variant(pass))).not.toContain(id);
  });

  it('visits init and ephemeral containers and every workload kind (CronJob, List items)', () => {
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { jobTemplate: { spec: { template: { spec: { initContainers: [{ name: 'init', image: 'busybox:1.36', securityContext: { privileged: true } }], containers: [{ name: 'job', image: 'busybox:1.36' }], ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36', securityContext: { capabilities: { add: ['SYS_PTRACE'] } } }] } } } } } };
    const list = { apiVersion: 'v1', kind: 'List', items: [cron] };
    const findings = checkConfigs([{ path: 'cron.yaml', text: stringify(list) }], { type: 'kubernetes' }).findings;
    expect(findings.filter((f) => f.checkId === 'pss-baseline-privileged').map((f) => f.message)).toEqual(['container init: privileged: true gives full access to the host']);
    expect(findings.find((f) => f.checkId === 'pss-baseline-capabilities')).toMatchObject({ resource: 'CronJob/nightly', message: 'container debug: adds SYS_PTRACE' });
  });

  it('points at the offending line, honours inline suppressions and the registry allow-list', () => {
    const text = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', '  hostNetwork: true # bulwark:ignore[pss-baseline-host-namespaces] node exporter', '  containers:', '    - name: c', '      image: quay.io/acme/c:1.0', '      securityContext:', '        privileged: true', ''].join('\n');
    const report = scanConfigInputs([{ path: 'pod.yaml', text }], { type: 'kubernetes', allowedRegistries: ['ghcr.io'] }, 'pod.yaml');
    expect(report.misconfigurations?.find((f) => f.checkId === 'pss-baseline-privileged')).toMatchObject({ line: 11, resource: 'Pod/p' });
    expect(report.misconfigurations?.find((f) => f.checkId === 'k8s-registry-not-allowed')).toMatchObject({ line: 9 });
    expect(report.misconfigurations?.map((f) => f.checkId)).not.toContain('pss-baseline-host-namespaces');
    expect(report.suppressedMisconfigurations).toEqual([expect.objectContaining({ by: 'inline', reason: 'node exporter' })]);
    const allowed = scanConfigInputs([{ path: 'pod.yaml', text }], { type: 'kubernetes', allowedRegistries: ['quay.io'] }, 'pod.yaml');
    expect(allowed.misconfigurations?.map((f) => f.checkId)).not.toContain('k8s-registry-not-allowed');
  });

  it('reads rendered multi-document output (helm template | bulwark config - --type kubernetes)', () => {
    const rendered = ['---', '# Source: chart/templates/sa.yaml', 'apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: app', '---', '# Source: chart/templates/deploy.yaml', yaml(good()).split('---\n')[0] ?? '', '---', 'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: debug', 'spec:', '  hostIPC: true', '  containers: []', ''].join('\n');
    const report = scanConfigInputs([{ path: '<stdin>', text: rendered }], { type: 'kubernetes' }, '<stdin>');
    expect(report.misconfigurations?.find((f) => f.checkId === 'pss-baseline-host-namespaces')).toMatchObject({ resource: 'Pod/debug', line: rendered.split('\n').indexOf('  hostIPC: true') + 1 });
  });

  it('reports malformed YAML with its line and still scans the other files', () => {
    const report = scanConfigInputs(
      [
        { path: 'broken.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n' },
        { path: 'ok.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n  hostPID: true\n  containers: []\n' },
      ],
      { type: 'kubernetes' },
      'x',
    );
    expect(report.problems).toEqual([expect.objectContaining({ level: 'error', code: 'MALFORMED_CONFIG', input: expect.stringMatching(/^broken\.yaml:\d+$/) })]);
    expect(report.misconfigurations?.map((f) => f.checkId)).toContain('pss-baseline-host-namespaces');
  });
});
