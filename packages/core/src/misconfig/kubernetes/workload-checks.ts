/**
 * Kubernetes checks beyond the Pod Security Standards: resources and probes, read-only root
 * filesystem, service-account token automount, image tags/digests/registries, container
 * runtime sockets, SYS_ADMIN and NET_RAW, secret literals in env, RBAC wildcards and
 * cluster-admin bindings, exposed Services, and namespaces without a default-deny policy.
 */
import { check, type Check, type Hit } from '../check.js';
import { isSecretName } from '../values.js';
import { containersOf, get, isRecord, list, podSpecOf, type ContainerRef, type K8sObject, type PodSpecRef, type YamlPath } from './parse-manifests.js';

type K8sCheck = Check<readonly K8sObject[]>;

const pods = (objects: readonly K8sObject[]): PodSpecRef[] => objects.map(podSpecOf).filter((p): p is PodSpecRef => p !== undefined);
const runnable = (objects: readonly K8sObject[]): ContainerRef[] => pods(objects).flatMap(containersOf).filter((c) => c.list === 'containers');
const atC = (c: ContainerRef, rel: YamlPath, message: string): Hit => ({ line: c.pod.object.lineOf([...c.at, ...rel]), message: `container ${c.name}: ${message}`, resource: c.pod.object.resource, path: c.pod.object.path });
const atObj = (o: K8sObject, rel: YamlPath, message: string): Hit => ({ line: o.lineOf(rel), message, resource: o.resource, path: o.path });
const SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/var/run/containerd/containerd.sock', '/run/containerd/containerd.sock', '/var/run/crio/crio.sock', '/run/crio/crio.sock', '/var/run/cri-dockerd.sock'];
const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController']);

function imageParts(image: string): { registry: string; tag?: string; digest?: string } {
  const [withoutDigest = '', digest] = image.split('@');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
  const first = withoutDigest.split('/')[0] as string;
  const registry = withoutDigest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
  return { registry, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export const WORKLOAD_CHECKS: readonly K8sCheck[] = [
  check({ id: 'k8s-resources-missing', title: 'CPU or memory requests/limits missing', severity: 'LOW', category: 'reliability', fix: 'Set resources.requests and resources.limits for cpu and memory.', aliases: ['KSV-0011', 'KSV-0015', 'KSV-0016', 'KSV-0018', 'CKV_K8S_10', 'CKV_K8S_11', 'CKV_K8S_12', 'CKV_K8S_13'] }, (objects) =>
    pods(objects).flatMap(containersOf).filter((c) => c.list !== 'ephemeralContainers').flatMap((c) => {
      const missing = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].filter((k) => get(c.container, ['resources', ...k.split('.')]) === undefined);
      return missing.length > 0 ? [atC(c, ['resources'], `no ${missing.join(', ')}`)] : [];
    }),
  ),
  check({ id: 'k8s-probes-missing', title: 'Liveness or readiness probe missing', severity: 'LOW', category: 'reliability', fix: 'Define livenessProbe and readinessProbe.', aliases: ['CKV_K8S_8', 'CKV_K8S_9'] }, (objects) =>
    runnable(objects)
      .filter((c) => !['Job', 'CronJob'].includes(c.pod.object.kind))
      .flatMap((c) => {
        const missing = ['livenessProbe', 'readinessProbe'].filter((k) => c.container[k] === undefined);
        return missing.length > 0 ? [atC(c, [], `no ${missing.join(' or ')}`)] : [];
      }),
  ),
  check({ id: 'k8s-writable-root-filesystem', title: 'Root filesystem is writable', severity: 'LOW', category: 'least privilege', fix: 'Set securityContext.readOnlyRootFilesystem: true and mount emptyDir where the app writes.', aliases: ['KSV-0014', 'CKV_K8S_22'] }, (objects) =>
    runnable(objects).filter((c) => get(c.container, ['securityContext', 'readOnlyRootFilesystem']) !== true).map((c) => atC(c, ['securityContext'], 'readOnlyRootFilesystem is not true')),
  ),
  check({ id: 'k8s-root-group', title: 'Runs with the root group', severity: 'LOW', category: 'least privilege', fix: 'Set runAsGroup (and fsGroup) to a non-zero GID and keep 0 out of supplementalGroups.', aliases: ['KSV-0116'] }, (objects) =>
    pods(objects).flatMap((p) => {
      const podSc = isRecord(p.spec.securityContext) ? p.spec.securityContext : {};
      const explicit = [podSc.fsGroup === 0 ? 'fsGroup 0' : '', list(podSc.supplementalGroups).includes(0) ? 'supplementalGroups includes 0' : ''].filter(Boolean);
      const hits: Hit[] = explicit.map((m) => atObj(p.object, [...p.at, 'securityContext'], m));
      for (const c of containersOf(p).filter((x) => x.list !== 'ephemeralContainers')) {
        const group = get(c.container, ['securityContext', 'runAsGroup']) ?? podSc.runAsGroup;
        if (group === undefined || group === 0) hits.push(atC(c, ['securityContext'], group === 0 ? 'runAsGroup: 0' : 'runAsGroup is not set, so the image default (usually root) applies'));
      }
      return hits;
    }),
  ),
  check({ id: 'k8s-service-account-token-mounted', title: 'Service account token mounted automatically', severity: 'LOW', category: 'least privilege', fix: 'Set automountServiceAccountToken: false unless the pod calls the API server.', aliases: ['KSV-0036', 'CKV_K8S_38'] }, (objects) =>
    pods(objects).filter((p) => p.spec.automountServiceAccountToken !== false).map((p) => atObj(p.object, p.at, 'automountServiceAccountToken is not false')),
  ),
  check({ id: 'k8s-image-tag-latest', title: 'Image without a version tag', severity: 'MEDIUM', category: 'supply chain', fix: 'Use a version tag, ideally with a digest.', aliases: ['KSV-0013', 'CKV_K8S_14'] }, (objects) =>
    pods(objects).flatMap(containersOf).flatMap((c) => {
      const image = String(c.container.image ?? '');
      const { tag, digest } = imageParts(image);
      return image && !digest && (!tag || tag === 'latest') ? [atC(c, ['image'], `image ${image} floats`)] : [];
    }),
  ),
  check({ id: 'k8s-image-no-digest', title: 'Image not pinned by digest', severity: 'LOW', category: 'supply chain', fix: 'Reference images by digest (image@sha256:…).', aliases: ['CKV_K8S_43'] }, (objects) =>
    pods(objects).flatMap(containersOf).filter((c) => typeof c.container.image === 'string' && !imageParts(c.container.image).digest).map((c) => atC(c, ['image'], `image ${String(c.container.image)} has no digest`)),
  ),
  check({ id: 'k8s-registry-not-allowed', title: 'Image from a registry outside the allow-list', severity: 'HIGH', category: 'supply chain', fix: 'Pull images only from allowed registries (`--allowed-registries`).', aliases: ['KSV-0125'] }, (objects, options) => {
    const allowed = options.allowedRegistries;
    if (!allowed?.length) return [];
    return pods(objects).flatMap(containersOf).filter((c) => typeof c.container.image === 'string' && !allowed.includes(imageParts(c.container.image).registry)).map((c) => atC(c, ['image'], `${String(c.container.image)} comes from ${imageParts(String(c.container.image)).registry}`));
  }),
  check({ id: 'k8s-runtime-socket-mounted', title: 'Container runtime socket mounted', severity: 'CRITICAL', category: 'least privilege', fix: 'Do not mount the Docker/containerd/CRI-O socket: it is root on the node.', aliases: ['KSV-0006', 'CKV_K8S_27'] }, (objects) =>
    pods(objects).flatMap((p) => list(p.spec.volumes).flatMap((v, i) => (isRecord(v) && SOCKETS.includes(String(get(v, ['hostPath', 'path']) ?? '')) ? [atObj(p.object, [...p.at, 'volumes', i, 'hostPath', 'path'], `volume ${String(v.name ?? i)} mounts ${String(get(v, ['hostPath', 'path']))}`)] : []))),
  ),
  check({ id: 'k8s-cap-sys-admin', title: 'SYS_ADMIN or ALL capabilities added', severity: 'HIGH', category: 'least privilege', fix: 'Remove SYS_ADMIN/ALL from capabilities.add.', aliases: ['KSV-0005', 'CKV_K8S_39'] }, (objects) =>
    pods(objects).flatMap(containersOf).flatMap((c) => {
      const add = list(get(c.container, ['securityContext', 'capabilities', 'add'])).map(String).filter((x) => ['SYS_ADMIN', 'CAP_SYS_ADMIN', 'ALL'].includes(x));
      return add.length > 0 ? [atC(c, ['securityContext', 'capabilities', 'add'], `adds ${add.join(', ')}`)] : [];
    }),
  ),
  check({ id: 'k8s-net-raw-not-dropped', title: 'NET_RAW not dropped', severity: 'LOW', category: 'least privilege', fix: 'Drop NET_RAW (or ALL) to prevent raw-socket spoofing.', aliases: ['KSV-0119', 'CKV_K8S_28'] }, (objects) =>
    runnable(objects).filter((c) => !list(get(c.container, ['securityContext', 'capabilities', 'drop'])).map(String).some((x) => x === 'ALL' || x === 'NET_RAW' || x === 'CAP_NET_RAW')).map((c) => atC(c, ['securityContext'], 'NET_RAW is not dropped')),
  ),
  check({ id: 'k8s-secret-in-env', title: 'Secret written as a literal environment value', severity: 'HIGH', category: 'secrets', fix: 'Use valueFrom.secretKeyRef instead of a literal value.', aliases: ['KSV-01010', 'CKV_K8S_35'] }, (objects) =>
    pods(objects).flatMap(containersOf).flatMap((c) => list(c.container.env).flatMap((e, i) => (isRecord(e) && typeof e.value === 'string' && e.value !== '' && !e.value.startsWith('/') && isSecretName(String(e.name ?? '')) ? [atC(c, ['env', i, 'value'], `env ${String(e.name)} holds a literal secret`)] : []))),
  ),
  check({ id: 'k8s-rbac-wildcard', title: 'RBAC rule with wildcards', severity: 'HIGH', category: 'access control', fix: 'List the apiGroups, resources and verbs the role needs instead of *.', aliases: ['KSV-0044', 'KSV-0045', 'KSV-0046', 'CKV_K8S_49'] }, (objects) =>
    objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole').flatMap((o) =>
      list(o.body.rules).flatMap((r, i) => {
        if (!isRecord(r)) return [];
        const wild = (['apiGroups', 'resources', 'verbs'] as const).filter((k) => list(r[k]).includes('*'));
        return wild.length > 0 ? [atObj(o, ['rules', i], `rule ${i} grants * on ${wild.join(', ')}`)] : [];
      }),
    ),
  ),
  check({ id: 'k8s-cluster-admin-binding', title: 'Binding to cluster-admin', severity: 'HIGH', category: 'access control', fix: 'Bind a role with only the permissions needed.', aliases: ['KSV-0111'] }, (objects) =>
    objects.filter((o) => (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') && get(o.body, ['roleRef', 'name']) === 'cluster-admin').map((o) => atObj(o, ['roleRef', 'name'], `${o.kind} ${o.name} grants cluster-admin`)),
  ),
  check({ id: 'k8s-service-exposed', title: 'Service exposed outside the cluster', severity: 'LOW', category: 'attack surface', fix: 'Prefer ClusterIP behind an Ingress or gateway with authentication.', aliases: ['KSV-0117'] }, (objects) =>
    objects.filter((o) => o.kind === 'Service' && ['NodePort', 'LoadBalancer'].includes(String(get(o.body, ['spec', 'type'])))).map((o) => atObj(o, ['spec', 'type'], `type ${String(get(o.body, ['spec', 'type']))}`)),
  ),
  check({ id: 'k8s-namespace-no-default-deny', title: 'Namespace with workloads but no default-deny NetworkPolicy', severity: 'MEDIUM', category: 'network', fix: 'Add a NetworkPolicy with an empty podSelector and policyTypes Ingress (and Egress) to the namespace.', aliases: ['C-0030'] }, (objects) => {
    const denied = new Set(
      objects
        .filter((o) => o.kind === 'NetworkPolicy' && isRecord(get(o.body, ['spec', 'podSelector'])) && Object.keys(get(o.body, ['spec', 'podSelector']) as object).length === 0 && list(get(o.body, ['spec', 'policyTypes'])).includes('Ingress') && list(get(o.body, ['spec', 'ingress'])).length === 0)
        .map((o) => o.namespace ?? 'default'),
    );
    const seen = new Set<string>();
    return objects
      .filter((o) => WORKLOAD_KINDS.has(o.kind))
      .flatMap((o) => {
        const ns = o.namespace ?? 'default';
        if (denied.has(ns) || seen.has(ns)) return [];
        seen.add(ns);
        return [atObj(o, ['metadata'], `namespace ${ns} has workloads but no default-deny ingress NetworkPolicy in the scanned files`)];
      });
  }),
];
