/**
 * Docker Compose checks, per service: privileged mode, host network/PID/IPC namespaces,
 * the Docker socket and host-root mounts, dangerous capabilities, seccomp/AppArmor turned
 * off, secrets written into `environment`, and services without a `user`.
 */
import { check, type Check, type Hit } from '../check.js';
import type { YamlFile } from '../yaml-document.js';
import { isRecord, isSecretName, type Json } from '../values.js';

type ComposeCheck = Check<YamlFile>;
const DANGEROUS_CAPS = new Set(['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH', 'SYS_RAWIO', 'BPF', 'PERFMON']);
const SOCKETS = /(?:^|:)\/(?:var\/)?run\/(?:docker|containerd\/containerd|crio\/crio|podman\/podman)\.sock(?::|$)/;
const HOST_ROOTS = new Set(['/', '/etc', '/root', '/boot', '/proc', '/sys', '/var/lib/docker', '/var/lib/kubelet', '/usr', '/home']);

function services(doc: YamlFile): [string, Json][] {
  const s = isRecord(doc.body) ? doc.body.services : undefined;
  return isRecord(s) ? Object.entries(s).filter((e): e is [string, Json] => isRecord(e[1])) : [];
}

const at = (doc: YamlFile, name: string, rel: (string | number)[], message: string): Hit => ({ line: doc.lineOf(['services', name, ...rel]), message, resource: `service ${name}` });

/** Host side of a volume entry (short `src:dst[:mode]` or long `{type, source}`). */
function hostSource(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const src = v.split(':')[0] ?? '';
    return src.startsWith('/') || src.startsWith('~') || src.startsWith('.') ? src : undefined;
  }
  if (isRecord(v) && v.type === 'bind' && typeof v.source === 'string') return v.source;
  return undefined;
}

function environment(svc: Json): [string, string | undefined, number | string][] {
  const env = svc.environment;
  if (Array.isArray(env)) return env.map((e, i) => [String(e).split('=')[0] ?? '', String(e).includes('=') ? String(e).slice(String(e).indexOf('=') + 1) : undefined, i]);
  if (isRecord(env)) return Object.entries(env).map(([k, v]) => [k, v === null || v === undefined ? undefined : String(v), k]);
  return [];
}

export const COMPOSE_CHECKS: readonly ComposeCheck[] = [
  check({ id: 'compose-privileged', title: 'Privileged service', severity: 'CRITICAL', category: 'least privilege', fix: 'Remove `privileged: true`; add only the capabilities or devices the service needs.', aliases: ['CIS-5.4'] }, (doc) =>
    services(doc).filter(([, s]) => s.privileged === true).map(([n]) => at(doc, n, ['privileged'], 'privileged: true gives the container full access to the host')),
  ),
  check({ id: 'compose-host-namespaces', title: 'Host network, PID or IPC namespace', severity: 'HIGH', category: 'least privilege', fix: 'Use the default bridge network and private PID/IPC namespaces.', aliases: ['CIS-5.9', 'CIS-5.15', 'CIS-5.16'] }, (doc) =>
    services(doc).flatMap(([n, s]) => (['network_mode', 'pid', 'ipc'] as const).filter((k) => s[k] === 'host').map((k) => at(doc, n, [k], `${k}: host shares the host's namespace`))),
  ),
  check({ id: 'compose-docker-socket', title: 'Container runtime socket mounted', severity: 'CRITICAL', category: 'least privilege', fix: 'Do not mount the Docker socket; it is root on the host.', aliases: ['CIS-5.31'] }, (doc) =>
    services(doc).flatMap(([n, s]) => (Array.isArray(s.volumes) ? s.volumes : []).flatMap((v, i) => (SOCKETS.test(typeof v === 'string' ? v : String(isRecord(v) ? v.source ?? '' : '')) ? [at(doc, n, ['volumes', i], 'mounts the container runtime socket')] : []))),
  ),
  check({ id: 'compose-host-root-mount', title: 'Sensitive host directory mounted', severity: 'HIGH', category: 'least privilege', fix: 'Mount only the application directories the service needs.', aliases: ['CIS-5.5'] }, (doc) =>
    services(doc).flatMap(([n, s]) =>
      (Array.isArray(s.volumes) ? s.volumes : []).flatMap((v, i) => {
        const raw = hostSource(v);
        if (raw === undefined) return [];
        const src = raw === '/' ? '/' : raw.replace(/\/+$/, '');
        return HOST_ROOTS.has(src) ? [at(doc, n, ['volumes', i], `mounts host ${src}`)] : [];
      }),
    ),
  ),
  check({ id: 'compose-dangerous-capabilities', title: 'Dangerous capability added', severity: 'HIGH', category: 'least privilege', fix: 'Drop all capabilities and add back only what is needed (never SYS_ADMIN or ALL).', aliases: ['CIS-5.3'] }, (doc) =>
    services(doc).flatMap(([n, s]) => {
      const bad = (Array.isArray(s.cap_add) ? s.cap_add : []).map((c) => String(c).replace(/^CAP_/, '')).filter((c) => DANGEROUS_CAPS.has(c));
      return bad.length > 0 ? [at(doc, n, ['cap_add'], `cap_add ${bad.join(', ')}`)] : [];
    }),
  ),
  check({ id: 'compose-security-opt-unconfined', title: 'Seccomp or AppArmor disabled', severity: 'HIGH', category: 'least privilege', fix: 'Keep the default seccomp and AppArmor profiles.', aliases: ['CIS-5.1', 'CIS-5.21'] }, (doc) =>
    services(doc).flatMap(([n, s]) => (Array.isArray(s.security_opt) ? s.security_opt : []).flatMap((o, i) => (/^(?:seccomp|apparmor)[:=]unconfined$/.test(String(o)) ? [at(doc, n, ['security_opt', i], `security_opt ${String(o)}`)] : []))),
  ),
  check({ id: 'compose-secret-in-environment', title: 'Secret written into environment', severity: 'HIGH', category: 'secrets', fix: 'Use Compose `secrets:` or interpolate from the environment (`${DB_PASSWORD}`) instead of a literal.', aliases: [] }, (doc) =>
    services(doc).flatMap(([n, s]) => environment(s).filter(([k, v]) => isSecretName(k) && v !== undefined && v !== '' && !v.includes('${') && !v.startsWith('$') && !v.startsWith('/')).map(([k, , key]) => at(doc, n, ['environment', key], `${k} holds a literal secret`))),
  ),
  check({ id: 'compose-no-user', title: 'Service without a user', severity: 'LOW', category: 'least privilege', fix: 'Set `user: "1000:1000"` (or the image must declare a non-root USER).', aliases: ['CIS-4.1'] }, (doc) =>
    services(doc).filter(([, s]) => s.user === undefined || s.user === 'root' || s.user === '0' || String(s.user).startsWith('0:')).map(([n, s]) => at(doc, n, s.user === undefined ? [] : ['user'], s.user === undefined ? 'no user: the image default (often root) applies' : `user ${String(s.user)}`)),
  ),
];
