/**
 * Checks on a built image rather than its Dockerfile (CIS Docker Benchmark section 4, as
 * docker-bench applies it to images): the configured user, HEALTHCHECK, sensitive exposed
 * ports, secrets in ENV, and setuid/setgid files left in the final filesystem.
 */
import type { ImageConfig } from '../../artifact/image-source.js';
import { check, type Check, type Hit } from '../check.js';
import { isSecretName } from '../values.js';

export interface BuiltImage {
  config: ImageConfig;
  /** Regular files with the setuid or setgid bit in the final filesystem. */
  setidFiles: { path: string; mode: number; layer: number }[];
}

type ImageCheck = Check<BuiltImage>;

const SENSITIVE_PORTS: Record<string, string> = { '22': 'SSH', '23': 'Telnet', '2375': 'Docker API without TLS', '2376': 'Docker API', '3389': 'RDP', '5900': 'VNC', '6443': 'Kubernetes API', '10250': 'kubelet API' };
const whole = (message: string): Hit => ({ line: 0, message });

export const IMAGE_CONFIG_CHECKS: readonly ImageCheck[] = [
  check({ id: 'image-runs-as-root', title: 'Image runs as root', severity: 'HIGH', category: 'least privilege', fix: 'Rebuild with `USER <non-root>` as the last USER instruction.', aliases: ['dockerfile-user-root', 'DS-0002', 'CIS-4.1'] }, (img) => {
    const user = (img.config.config?.User ?? '').split(':')[0] ?? '';
    return user === '' || user === 'root' || user === '0' ? [whole(user === '' ? 'no User in the image config: containers run as root' : `User ${user}`)] : [];
  }),
  check({ id: 'image-no-healthcheck', title: 'Image has no HEALTHCHECK', severity: 'LOW', category: 'reliability', fix: 'Rebuild with a HEALTHCHECK instruction.', aliases: ['dockerfile-no-healthcheck', 'DS-0026', 'CIS-4.6'] }, (img) => {
    const test = img.config.config?.Healthcheck?.Test;
    return !test || test.length === 0 || test[0] === 'NONE' ? [whole('the image config has no healthcheck')] : [];
  }),
  check({ id: 'image-sensitive-port', title: 'Sensitive port exposed', severity: 'MEDIUM', category: 'attack surface', fix: 'Do not expose remote-administration or control-plane ports from application images.', aliases: ['dockerfile-expose-ssh', 'DS-0004', 'CIS-5.8'] }, (img) =>
    Object.keys(img.config.config?.ExposedPorts ?? {})
      .map((p) => [p, SENSITIVE_PORTS[p.split('/')[0] ?? '']] as const)
      .filter((e): e is readonly [string, string] => e[1] !== undefined)
      .map(([p, what]) => whole(`exposes ${p} (${what})`)),
  ),
  check({ id: 'image-secret-in-env', title: 'Secret stored in the image environment', severity: 'HIGH', category: 'secrets', fix: 'Pass secrets at run time (orchestrator secrets, mounted files), never as image ENV.', aliases: ['dockerfile-secret-in-arg-env', 'DS-0031', 'CIS-4.10'] }, (img) =>
    (img.config.config?.Env ?? [])
      .map((e) => [e.split('=')[0] ?? '', e.slice(e.indexOf('=') + 1)] as const)
      .filter(([k, v]) => isSecretName(k) && v !== '' && !v.startsWith('/'))
      .map(([k]) => whole(`ENV ${k} is set in the image config`)),
  ),
  check({ id: 'image-setuid-files', title: 'setuid/setgid files in the image', severity: 'MEDIUM', category: 'least privilege', fix: 'Remove the setuid/setgid bits the application does not need (`RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`).', aliases: ['CIS-4.8'] }, (img) =>
    img.setidFiles.length > 0 ? [whole(`${img.setidFiles.length} setuid/setgid file${img.setidFiles.length === 1 ? '' : 's'}: ${img.setidFiles.map((f) => `/${f.path}`).sort().slice(0, 8).join(', ')}${img.setidFiles.length > 8 ? ', …' : ''}`)] : [],
  ),
];
