/**
 * Dockerfile checks on the file's structure: base images, the final user, ports,
 * healthchecks, CMD/ENTRYPOINT, COPY/ADD, stages, WORKDIR, deprecated instructions and
 * secrets passed as ARG/ENV or copied in. Aliases name the same check in hadolint (DL),
 * Trivy (DS), Checkov (CKV) and the CIS Docker Benchmark.
 */
import { check, type Check, type Hit } from '../check.js';
import type { DfInstruction, DfStage, Dockerfile } from './parse-dockerfile.js';

type DfCheck = Check<Dockerfile>;

/** Broader than `isSecretName`: build arguments are also called PASS, PWD or AUTH. */
const SECRET_NAME = /(?:^|_)(?:PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH)(?:$|_)/i;
const SECRET_FILES = /(?:^|\/)(?:id_(?:rsa|dsa|ecdsa|ed25519)|\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.env|credentials|\.dockercfg|config\.json|[^/]*\.(?:pem|key|p12|pfx|jks|keystore))$|(?:^|\/)\.(?:aws|ssh|gnupg)(?:\/|$)/i;

const finalStage = (df: Dockerfile): DfStage | undefined => df.stages[df.stages.length - 1];
const inStage = (s: DfStage | undefined, keyword: string): DfInstruction[] => (s?.instructions ?? []).filter((i) => i.keyword === keyword);
const all = (df: Dockerfile, keyword: string): DfInstruction[] => df.instructions.filter((i) => i.keyword === keyword);
const hit = (i: { line: number; endLine?: number }, message: string): Hit => (i.endLine && i.endLine !== i.line ? { line: i.line, endLine: i.endLine, message } : { line: i.line, message });

/** Base images that are not a real image reference to pin. */
function realBase(s: DfStage): boolean {
  return !s.fromStage && s.image.toLowerCase() !== 'scratch' && !s.image.includes('$');
}

function registryOf(image: string): string {
  const first = image.split('/')[0] as string;
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

function sources(i: DfInstruction): string[] {
  const words = i.json ? i.argv : i.argv.filter((a) => !a.startsWith('--'));
  return words.slice(0, -1);
}

export const STRUCTURE_CHECKS: readonly DfCheck[] = [
  check({ id: 'dockerfile-user-root', title: 'Image runs as root', severity: 'HIGH', category: 'least privilege', fix: 'Add `USER <non-root>` (a name or UID other than 0) as the last USER of the final stage.', aliases: ['DL3002', 'DS-0002', 'CKV_DOCKER_3', 'CKV_DOCKER_8', 'CIS-4.1'] }, (df) => {
    const last = finalStage(df);
    if (!last) return [];
    const users = inStage(last, 'USER');
    const final = users[users.length - 1];
    if (!final) return [{ line: last.line, message: 'the final stage sets no USER, so the container runs as root' }];
    const user = (final.argv[0] ?? '').split(':')[0] ?? '';
    return user === 'root' || user === '0' ? [hit(final, `the last USER of the final stage is ${user}`)] : [];
  }),
  check({ id: 'dockerfile-from-latest', title: 'Base image without a version tag', severity: 'MEDIUM', category: 'supply chain', fix: 'Name a version tag (and ideally a digest): `FROM image:1.2.3@sha256:…`.', aliases: ['DL3006', 'DL3007', 'DS-0001', 'CKV_DOCKER_7'] }, (df) =>
    df.stages.filter((s) => realBase(s) && !s.digest && (!s.tag || s.tag === 'latest')).map((s) => hit(s, `FROM ${s.image}${s.tag ? `:${s.tag}` : ''} floats: the build changes when the tag moves`)),
  ),
  check({ id: 'dockerfile-from-not-pinned', title: 'Base image not pinned by digest', severity: 'LOW', category: 'supply chain', fix: 'Pin the base image by digest: `FROM image:tag@sha256:…` (update it with a bot such as Renovate).', aliases: ['CIS-4.2', 'Scorecard-Pinned-Dependencies'] }, (df) =>
    df.stages.filter((s) => realBase(s) && !s.digest).map((s) => hit(s, `FROM ${s.image}${s.tag ? `:${s.tag}` : ''} has no @sha256 digest`)),
  ),
  check({ id: 'dockerfile-registry-not-allowed', title: 'Base image from a registry outside the allow-list', severity: 'HIGH', category: 'supply chain', fix: 'Use a base image from an allowed registry (`--allowed-registries`).', aliases: ['DL3026', 'CIS-4.2'] }, (df, options) => {
    const allowed = options.allowedRegistries;
    if (!allowed?.length) return [];
    return df.stages.filter((s) => realBase(s) && !allowed.includes(registryOf(s.image))).map((s) => hit(s, `${s.image} comes from ${registryOf(s.image)}, not one of ${allowed.join(', ')}`));
  }),
  check({ id: 'dockerfile-secret-in-arg-env', title: 'Secret passed as ARG or ENV', severity: 'HIGH', category: 'secrets', fix: 'Use BuildKit secrets (`RUN --mount=type=secret,id=…`) instead; ARG and ENV values stay in the image history.', aliases: ['DL3064', 'DS-0031', 'CIS-4.10'] }, (df) =>
    [...all(df, 'ARG'), ...all(df, 'ENV')].flatMap((i) => {
      const names = i.keyword === 'ARG' ? [i.args.split('=')[0]?.trim() ?? ''] : i.args.includes('=') ? [...i.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1] as string) : [i.argv[0] ?? ''];
      return names.filter((n) => SECRET_NAME.test(n) && !/_(?:FILE|PATH|DIR)$/i.test(n)).map((n) => hit(i, `${i.keyword} ${n} carries a secret into the build; its value is kept in the image history`));
    }),
  ),
  check({ id: 'dockerfile-copy-secret-file', title: 'Key or credential file copied into the image', severity: 'HIGH', category: 'secrets', fix: 'Keep keys and credential files out of the build context (.dockerignore) and use build secrets.', aliases: ['DS-0031', 'CIS-4.10'] }, (df) =>
    [...all(df, 'COPY'), ...all(df, 'ADD')].flatMap((i) => sources(i).filter((s) => SECRET_FILES.test(s)).map((s) => hit(i, `${i.keyword} ${s} puts a key or credential file in a layer`))),
  ),
  check({ id: 'dockerfile-add-instead-of-copy', title: 'ADD used to copy local files', severity: 'LOW', category: 'best practice', fix: 'Use COPY for local files; ADD also unpacks archives and fetches URLs, which hides what lands in the image.', aliases: ['DL3020', 'DS-0005', 'CKV_DOCKER_4', 'CIS-4.9'] }, (df) =>
    all(df, 'ADD').filter((i) => sources(i).some((s) => !/^(?:https?|git):\/\//.test(s) && !/\.(?:tar|tgz|tar\.(?:gz|bz2|xz|zst))$/.test(s))).map((i) => hit(i, 'ADD copies local files; use COPY')),
  ),
  check({ id: 'dockerfile-add-remote-url', title: 'ADD downloads from a URL without a checksum', severity: 'MEDIUM', category: 'supply chain', fix: 'Use `ADD --checksum=sha256:…` or download with curl and verify the checksum in the same RUN.', aliases: ['DL3020', 'DS-0005'] }, (df) =>
    all(df, 'ADD').filter((i) => sources(i).some((s) => /^https?:\/\//.test(s)) && !i.flags.has('checksum')).map((i) => hit(i, 'ADD fetches a URL whose content is not verified')),
  ),
  check({ id: 'dockerfile-expose-ssh', title: 'SSH port exposed', severity: 'MEDIUM', category: 'attack surface', fix: 'Do not run sshd in containers; use `docker exec`/`kubectl exec` for access.', aliases: ['DS-0004', 'CKV_DOCKER_1'] }, (df) =>
    all(df, 'EXPOSE').filter((i) => i.argv.some((p) => /^22(?:\/tcp)?$/.test(p))).map((i) => hit(i, 'EXPOSE 22 invites an SSH daemon into the container')),
  ),
  check({ id: 'dockerfile-expose-invalid-port', title: 'EXPOSE with an invalid port', severity: 'LOW', category: 'correctness', fix: 'Expose ports between 0 and 65535.', aliases: ['DL3011', 'DS-0008'] }, (df) =>
    all(df, 'EXPOSE').flatMap((i) => i.argv.filter((p) => !p.includes('$')).filter((p) => p.split(/[-/]/).filter((x) => /^\d+$/.test(x)).some((n) => Number(n) > 65535)).map((p) => hit(i, `port ${p} is out of range`))),
  ),
  check({ id: 'dockerfile-no-healthcheck', title: 'No HEALTHCHECK', severity: 'LOW', category: 'reliability', fix: 'Add a HEALTHCHECK so the engine (and `docker ps`) knows when the service stops answering.', aliases: ['DS-0026', 'CKV_DOCKER_2', 'CIS-4.6'] }, (df) => {
    const last = finalStage(df);
    return last && inStage(last, 'HEALTHCHECK').length === 0 && df.stages.length > 0 ? [{ line: last.line, message: 'the final stage defines no HEALTHCHECK' }] : [];
  }),
  check({ id: 'dockerfile-multiple-healthcheck', title: 'More than one HEALTHCHECK in a stage', severity: 'LOW', category: 'correctness', fix: 'Keep one HEALTHCHECK per stage; only the last takes effect.', aliases: ['DL3012', 'DS-0023'] }, (df) =>
    df.stages.flatMap((s) => inStage(s, 'HEALTHCHECK').slice(0, -1).map((i) => hit(i, 'overridden by a later HEALTHCHECK in the same stage'))),
  ),
  check({ id: 'dockerfile-multiple-cmd', title: 'More than one CMD in a stage', severity: 'MEDIUM', category: 'correctness', fix: 'Keep one CMD per stage; only the last takes effect.', aliases: ['DL4003', 'DS-0016'] }, (df) =>
    df.stages.flatMap((s) => inStage(s, 'CMD').slice(0, -1).map((i) => hit(i, 'overridden by a later CMD in the same stage'))),
  ),
  check({ id: 'dockerfile-multiple-entrypoint', title: 'More than one ENTRYPOINT in a stage', severity: 'MEDIUM', category: 'correctness', fix: 'Keep one ENTRYPOINT per stage; only the last takes effect.', aliases: ['DL4004'] }, (df) =>
    df.stages.flatMap((s) => inStage(s, 'ENTRYPOINT').slice(0, -1).map((i) => hit(i, 'overridden by a later ENTRYPOINT in the same stage'))),
  ),
  check({ id: 'dockerfile-shell-form-entrypoint', title: 'CMD or ENTRYPOINT in shell form', severity: 'LOW', category: 'reliability', fix: 'Use the exec form (`["binary", "arg"]`) so the process is PID 1 and receives signals.', aliases: ['DL3025', 'DS-0007'] }, (df) =>
    [...inStage(finalStage(df), 'ENTRYPOINT'), ...inStage(finalStage(df), 'CMD')].filter((i) => !i.json).map((i) => hit(i, `${i.keyword} in shell form runs under /bin/sh -c, which does not forward signals`)),
  ),
  check({ id: 'dockerfile-copy-from-unknown-stage', title: 'COPY --from names no earlier stage', severity: 'MEDIUM', category: 'correctness', fix: 'Name an earlier stage (or index), or a full image reference.', aliases: ['DL3022', 'DL3023', 'DS-0006'] }, (df) =>
    all(df, 'COPY').flatMap((i) => {
      const from = i.flags.get('from');
      if (from === undefined || from.includes(':') || from.includes('/') || from.includes('$')) return [];
      const earlier = df.stages.slice(0, i.stage);
      if (/^\d+$/.test(from)) return Number(from) < i.stage ? [] : [hit(i, `--from=${from} is not an earlier stage`)];
      if (df.stages[i.stage]?.name === from.toLowerCase()) return [hit(i, `--from=${from} refers to its own stage`)];
      return earlier.some((s) => s.name === from.toLowerCase()) ? [] : [hit(i, `--from=${from} matches no earlier stage; Docker would pull an image called ${from}`)];
    }),
  ),
  check({ id: 'dockerfile-duplicate-stage-name', title: 'Two stages with the same name', severity: 'MEDIUM', category: 'correctness', fix: 'Give every stage a unique name.', aliases: ['DL3024', 'DS-0012'] }, (df) =>
    df.stages.filter((s, i) => s.name !== undefined && df.stages.slice(0, i).some((p) => p.name === s.name)).map((s) => hit(s, `stage name ${s.name} is used twice`)),
  ),
  check({ id: 'dockerfile-copy-whole-stage', title: 'Whole filesystem of another stage copied', severity: 'MEDIUM', category: 'attack surface', fix: 'Copy only the artifacts the final image needs from build stages.', aliases: ['DL3067'] }, (df) =>
    all(df, 'COPY').filter((i) => { const from = i.flags.get('from') ?? ''; return from !== '' && !from.includes('/') && !from.includes(':') && sources(i).some((s) => s === '/' || s === '/.'); }).map((i) => hit(i, 'copies the entire build stage, tools and secrets included')),
  ),
  check({ id: 'dockerfile-workdir-relative', title: 'Relative WORKDIR', severity: 'LOW', category: 'correctness', fix: 'Use an absolute WORKDIR path.', aliases: ['DL3000', 'DS-0009'] }, (df) =>
    all(df, 'WORKDIR').filter((i) => !/^(?:\/|\$|[A-Za-z]:[\\/])/.test(i.args.trim().replace(/^["']/, ''))).map((i) => hit(i, `WORKDIR ${i.args.trim()} depends on the previous directory`)),
  ),
  check({ id: 'dockerfile-maintainer', title: 'Deprecated MAINTAINER', severity: 'LOW', category: 'best practice', fix: 'Use `LABEL org.opencontainers.image.authors="…"`.', aliases: ['DL4000', 'DS-0022', 'CKV_DOCKER_6'] }, (df) =>
    all(df, 'MAINTAINER').map((i) => hit(i, 'MAINTAINER is deprecated')),
  ),
];
