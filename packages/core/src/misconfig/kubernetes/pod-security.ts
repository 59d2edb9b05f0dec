/**
 * Pod Security Standards, baseline and restricted, one check per control with the exact
 * fields the Kubernetes admission controller evaluates (pod and every container, init and
 * ephemeral containers included). Ids: `pss-<level>-<control>`; aliases name Trivy's KSV
 * checks for the same control.
 */
import { check, type Check, type Hit } from '../check.js';
import { containersOf, get, isRecord, list, podSpecOf, type ContainerRef, type K8sObject, type PodSpecRef, type YamlPath } from './parse-manifests.js';

type K8sCheck = Check<readonly K8sObject[]>;

const pods = (objects: readonly K8sObject[]): PodSpecRef[] => objects.map(podSpecOf).filter((p): p is PodSpecRef => p !== undefined);
const at = (pod: PodSpecRef, rel: YamlPath, message: string): Hit => ({ line: pod.object.lineOf([...pod.at, ...rel]), message, resource: pod.object.resource, path: pod.object.path });
const atContainer = (c: ContainerRef, rel: YamlPath, message: string): Hit => ({ line: c.pod.object.lineOf([...c.at, ...rel]), message: `container ${c.name}: ${message}`, resource: c.pod.object.resource, path: c.pod.object.path });

/** Visits pods and containers; `podCheck` and `containerCheck` return hits. */
function visit(objects: readonly K8sObject[], podCheck: (p: PodSpecRef) => Hit[], containerCheck: (c: ContainerRef) => Hit[] = () => []): Hit[] {
  return pods(objects).flatMap((p) => [...podCheck(p), ...containersOf(p).flatMap(containerCheck)]);
}

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem', 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'downwardAPI', 'emptyDir', 'projected', 'secret', 'csi', 'persistentVolumeClaim', 'ephemeral', 'image']);
const fix = (text: string): string => `${text} (Pod Security Standards).`;

const sc = (c: ContainerRef): Record<string, unknown> => (isRecord(c.container.securityContext) ? c.container.securityContext : {});
const podSc = (p: PodSpecRef): Record<string, unknown> => (isRecord(p.spec.securityContext) ? p.spec.securityContext : {});
const hostUsersOff = (p: PodSpecRef): boolean => p.spec.hostUsers === false;

export const PSS_CHECKS: readonly K8sCheck[] = [
  // ---- baseline ----
  check({ id: 'pss-baseline-host-process', title: 'Windows HostProcess container', severity: 'HIGH', category: 'pod security (baseline)', fix: fix('Leave windowsOptions.hostProcess unset or false'), aliases: ['KSV-0103'] }, (objects) =>
    visit(objects, (p) => (get(p.spec, ['securityContext', 'windowsOptions', 'hostProcess']) === true ? [at(p, ['securityContext', 'windowsOptions', 'hostProcess'], 'the pod runs as a Windows HostProcess')] : []), (c) => (get(sc(c), ['windowsOptions', 'hostProcess']) === true ? [atContainer(c, ['securityContext', 'windowsOptions', 'hostProcess'], 'hostProcess: true')] : [])),
  ),
  check({ id: 'pss-baseline-host-namespaces', title: 'Host namespaces shared', severity: 'HIGH', category: 'pod security (baseline)', fix: fix('Remove hostNetwork, hostPID and hostIPC (or set them to false)'), aliases: ['KSV-0008', 'KSV-0009', 'KSV-0010'] }, (objects) =>
    visit(objects, (p) => (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => p.spec[k] === true).map((k) => at(p, [k], `${k}: true shares the node's namespace`))),
  ),
  check({ id: 'pss-baseline-privileged', title: 'Privileged container', severity: 'CRITICAL', category: 'pod security (baseline)', fix: fix('Remove securityContext.privileged or set it to false'), aliases: ['KSV-0017', 'CKV_K8S_16'] }, (objects) =>
    visit(objects, () => [], (c) => (sc(c).privileged === true ? [atContainer(c, ['securityContext', 'privileged'], 'privileged: true gives full access to the host')] : [])),
  ),
  check({ id: 'pss-baseline-capabilities', title: 'Capabilities added beyond the baseline set', severity: 'HIGH', category: 'pod security (baseline)', fix: fix('Add only capabilities from the default set (e.g. NET_BIND_SERVICE)'), aliases: ['KSV-0022', 'CKV_K8S_25'] }, (objects) =>
    visit(objects, () => [], (c) => {
      const added = list(get(sc(c), ['capabilities', 'add'])).map(String).filter((cap) => !BASELINE_CAPS.has(cap.replace(/^CAP_/, '')));
      return added.length > 0 ? [atContainer(c, ['securityContext', 'capabilities', 'add'], `adds ${added.join(', ')}`)] : [];
    }),
  ),
  check({ id: 'pss-baseline-host-path', title: 'hostPath volume', severity: 'HIGH', category: 'pod security (baseline)', fix: fix('Use persistent volumes, emptyDir or configMaps instead of hostPath'), aliases: ['KSV-0023'] }, (objects) =>
    visit(objects, (p) => list(p.spec.volumes).flatMap((v, i) => (isRecord(v) && v.hostPath !== undefined ? [at(p, ['volumes', i, 'hostPath'], `volume ${String(v.name ?? i)} mounts host path ${String(get(v, ['hostPath', 'path']) ?? '')}`)] : []))),
  ),
  check({ id: 'pss-baseline-host-ports', title: 'hostPort used', severity: 'MEDIUM', category: 'pod security (baseline)', fix: fix('Remove hostPort; expose the pod through a Service'), aliases: ['KSV-0024', 'CKV_K8S_26'] }, (objects) =>
    visit(objects, () => [], (c) => list(c.container.ports).flatMap((port, i) => (isRecord(port) && port.hostPort !== undefined && port.hostPort !== 0 ? [atContainer(c, ['ports', i, 'hostPort'], `hostPort ${String(port.hostPort)}`)] : []))),
  ),
  check({ id: 'pss-baseline-apparmor', title: 'AppArmor profile overridden', severity: 'MEDIUM', category: 'pod security (baseline)', fix: fix('Use the RuntimeDefault or a Localhost AppArmor profile'), aliases: ['KSV-0002'] }, (objects) =>
    visit(
      objects,
      (p) => {
        const hits: Hit[] = [];
        for (const [key, value] of Object.entries(isRecord(p.metadata?.annotations) ? p.metadata.annotations : {})) {
          if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && !(value === 'runtime/default' || String(value).startsWith('localhost/') || value === '')) hits.push({ line: p.object.lineOf([...(p.metadataAt ?? []), 'annotations', key]), message: `${key}: ${String(value)}`, resource: p.object.resource, path: p.object.path });
        }
        const type = get(podSc(p), ['appArmorProfile', 'type']);
        if (type !== undefined && type !== 'RuntimeDefault' && type !== 'Localhost') hits.push(at(p, ['securityContext', 'appArmorProfile', 'type'], `appArmorProfile.type ${String(type)}`));
        return hits;
      },
      (c) => {
        const type = get(sc(c), ['appArmorProfile', 'type']);
        return type !== undefined && type !== 'RuntimeDefault' && type !== 'Localhost' ? [atContainer(c, ['securityContext', 'appArmorProfile', 'type'], `appArmorProfile.type ${String(type)}`)] : [];
      },
    ),
  ),
  check({ id: 'pss-baseline-selinux', title: 'Custom SELinux options', severity: 'MEDIUM', category: 'pod security (baseline)', fix: fix('Leave seLinuxOptions.user and .role empty and use a container_t type'), aliases: ['KSV-0025'] }, (objects) => {
    const bad = (o: unknown): string | undefined => {
      if (!isRecord(o)) return undefined;
      if (o.type !== undefined && !SELINUX_TYPES.has(String(o.type))) return `seLinuxOptions.type ${String(o.type)}`;
      if (o.user) return `seLinuxOptions.user ${String(o.user)}`;
      if (o.role) return `seLinuxOptions.role ${String(o.role)}`;
      return undefined;
    };
    return visit(
      objects,
      (p) => {
        const m = bad(podSc(p).seLinuxOptions);
        return m ? [at(p, ['securityContext', 'seLinuxOptions'], m)] : [];
      },
      (c) => {
        const m = bad(sc(c).seLinuxOptions);
        return m ? [atContainer(c, ['securityContext', 'seLinuxOptions'], m)] : [];
      },
    );
  }),
  check({ id: 'pss-baseline-proc-mount', title: 'Unmasked /proc mount', severity: 'MEDIUM', category: 'pod security (baseline)', fix: fix('Leave procMount unset or Default'), aliases: ['KSV-0027'] }, (objects) =>
    visit(objects, () => [], (c) => (sc(c).procMount !== undefined && sc(c).procMount !== 'Default' && !hostUsersOff(c.pod) ? [atContainer(c, ['securityContext', 'procMount'], `procMount ${String(sc(c).procMount)}`)] : [])),
  ),
  check({ id: 'pss-baseline-seccomp', title: 'Seccomp explicitly Unconfined', severity: 'HIGH', category: 'pod security (baseline)', fix: fix('Use seccompProfile.type RuntimeDefault or Localhost'), aliases: ['KSV-0104'] }, (objects) =>
    visit(
      objects,
      (p) => (get(podSc(p), ['seccompProfile', 'type']) === 'Unconfined' ? [at(p, ['securityContext', 'seccompProfile', 'type'], 'seccompProfile Unconfined')] : []),
      (c) => (get(sc(c), ['seccompProfile', 'type']) === 'Unconfined' ? [atContainer(c, ['securityContext', 'seccompProfile', 'type'], 'seccompProfile Unconfined')] : []),
    ),
  ),
  check({ id: 'pss-baseline-sysctls', title: 'Unsafe sysctls', severity: 'HIGH', category: 'pod security (baseline)', fix: fix('Set only namespaced, safe sysctls'), aliases: ['KSV-0026'] }, (objects) =>
    visit(objects, (p) => list(podSc(p).sysctls).flatMap((s, i) => (isRecord(s) && !SAFE_SYSCTLS.has(String(s.name)) ? [at(p, ['securityContext', 'sysctls', i, 'name'], `sysctl ${String(s.name)} is not in the safe set`)] : []))),
  ),
  check({ id: 'pss-baseline-probe-host', title: 'Probe or lifecycle hook targets another host', severity: 'MEDIUM', category: 'pod security (baseline)', fix: fix('Leave httpGet.host and tcpSocket.host empty in probes and lifecycle hooks'), aliases: [] }, (objects) =>
    visit(objects, () => [], (c) => {
      const hits: Hit[] = [];
      for (const [base, name] of [[['livenessProbe'], 'livenessProbe'], [['readinessProbe'], 'readinessProbe'], [['startupProbe'], 'startupProbe'], [['lifecycle', 'postStart'], 'postStart'], [['lifecycle', 'preStop'], 'preStop']] as const) {
        for (const handler of ['httpGet', 'tcpSocket']) {
          const host = get(c.container, [...base, handler, 'host']);
          if (typeof host === 'string' && host !== '') hits.push(atContainer(c, [...base, handler, 'host'], `${name}.${handler}.host ${host}`));
        }
      }
      return hits;
    }),
  ),
  // ---- restricted ----
  check({ id: 'pss-restricted-volume-types', title: 'Volume type outside the restricted set', severity: 'MEDIUM', category: 'pod security (restricted)', fix: fix('Use only configMap, secret, emptyDir, projected, downwardAPI, csi, persistentVolumeClaim, ephemeral or image volumes'), aliases: ['KSV-0028'] }, (objects) =>
    visit(objects, (p) =>
      list(p.spec.volumes).flatMap((v, i) => {
        if (!isRecord(v)) return [];
        const types = Object.keys(v).filter((k) => k !== 'name');
        const bad = types.filter((t) => !RESTRICTED_VOLUMES.has(t));
        return bad.length > 0 ? [at(p, ['volumes', i], `volume ${String(v.name ?? i)} is of type ${bad.join(', ')}`)] : [];
      }),
    ),
  ),
  check({ id: 'pss-restricted-privilege-escalation', title: 'Privilege escalation not disabled', severity: 'MEDIUM', category: 'pod security (restricted)', fix: fix('Set securityContext.allowPrivilegeEscalation: false'), aliases: ['KSV-0001', 'CKV_K8S_20'] }, (objects) =>
    visit(objects, () => [], (c) => (sc(c).allowPrivilegeEscalation === false ? [] : [atContainer(c, sc(c).allowPrivilegeEscalation === undefined ? ['securityContext'] : ['securityContext', 'allowPrivilegeEscalation'], 'allowPrivilegeEscalation is not false')])),
  ),
  check({ id: 'pss-restricted-run-as-non-root', title: 'Not required to run as non-root', severity: 'MEDIUM', category: 'pod security (restricted)', fix: fix('Set runAsNonRoot: true on the pod (or every container)'), aliases: ['KSV-0012', 'CKV_K8S_23'] }, (objects) =>
    pods(objects).flatMap((p) => {
      if (hostUsersOff(p)) return [];
      const podValue = podSc(p).runAsNonRoot;
      if (podValue === false) return [at(p, ['securityContext', 'runAsNonRoot'], 'runAsNonRoot: false')];
      return containersOf(p).flatMap((c) => {
        const v = sc(c).runAsNonRoot;
        if (v === false) return [atContainer(c, ['securityContext', 'runAsNonRoot'], 'runAsNonRoot: false')];
        return v === undefined && podValue !== true ? [atContainer(c, ['securityContext'], 'runAsNonRoot is not set here nor on the pod')] : [];
      });
    }),
  ),
  check({ id: 'pss-restricted-run-as-user', title: 'Runs as UID 0', severity: 'HIGH', category: 'pod security (restricted)', fix: fix('Set runAsUser to a non-zero UID (or leave it unset with runAsNonRoot: true)'), aliases: ['KSV-0105'] }, (objects) =>
    visit(
      objects,
      (p) => (podSc(p).runAsUser === 0 && !hostUsersOff(p) ? [at(p, ['securityContext', 'runAsUser'], 'runAsUser: 0')] : []),
      (c) => (sc(c).runAsUser === 0 && !hostUsersOff(c.pod) ? [atContainer(c, ['securityContext', 'runAsUser'], 'runAsUser: 0')] : []),
    ),
  ),
  check({ id: 'pss-restricted-seccomp', title: 'Seccomp profile not set', severity: 'MEDIUM', category: 'pod security (restricted)', fix: fix('Set seccompProfile.type: RuntimeDefault on the pod'), aliases: ['KSV-0030', 'KSV-0104'] }, (objects) =>
    pods(objects).flatMap((p) => {
      const ok = (t: unknown): boolean => t === 'RuntimeDefault' || t === 'Localhost';
      const podType = get(podSc(p), ['seccompProfile', 'type']);
      return containersOf(p).flatMap((c) => {
        const t = get(sc(c), ['seccompProfile', 'type']);
        if (ok(t) || (t === undefined && ok(podType))) return [];
        return t === undefined && podType === undefined ? [atContainer(c, ['securityContext'], 'no seccompProfile on the container or the pod')] : [];
      });
    }),
  ),
  check({ id: 'pss-restricted-capabilities', title: 'Capabilities not dropped to the minimum', severity: 'MEDIUM', category: 'pod security (restricted)', fix: fix('Drop ALL capabilities and add back only NET_BIND_SERVICE'), aliases: ['KSV-0003', 'KSV-0106', 'CKV_K8S_37'] }, (objects) =>
    visit(objects, () => [], (c) => {
      const drop = list(get(sc(c), ['capabilities', 'drop'])).map(String);
      const add = list(get(sc(c), ['capabilities', 'add'])).map(String).filter((x) => x !== 'NET_BIND_SERVICE' && x !== 'CAP_NET_BIND_SERVICE');
      const hits: Hit[] = [];
      if (!drop.includes('ALL')) hits.push(atContainer(c, ['securityContext', 'capabilities'], 'capabilities.drop does not include ALL'));
      if (add.length > 0) hits.push(atContainer(c, ['securityContext', 'capabilities', 'add'], `adds ${add.join(', ')}`));
      return hits;
    }),
  ),
];
