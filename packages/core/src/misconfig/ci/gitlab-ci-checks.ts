/**
 * GitLab CI checks: includes not pinned to a commit (project refs, remote URLs), images and
 * services on `latest` or without a tag, Docker-in-Docker with TLS turned off, secrets echoed
 * or the whole environment dumped into job logs, literal secrets in `variables`, merge
 * request pipelines that use credentials, and `curl | sh`.
 */
import RE2 from 're2';
import { check, type Check, type Hit } from '../check.js';
import type { YamlFile } from '../yaml-document.js';
import { isRecord, isSecretName, type Json } from '../values.js';

type GitlabCheck = Check<YamlFile>;
/** GitLab accepts a single value where it takes a list (`services: docker:dind`). */
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const RESERVED = new Set(['image', 'services', 'stages', 'types', 'before_script', 'after_script', 'variables', 'cache', 'include', 'default', 'workflow', 'pages']);
const ECHO_SECRET = new RE2(/\b(?:echo|printf|cat)\b[^\n;|&]*\$\{?([A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)[A-Z0-9_]*)\}?/);
const DUMP_ENV = new RE2(/^\s*(?:env|printenv|set|export -p)\s*$/);
const PIPE_TO_SHELL = new RE2(/\b(?:curl|wget)\b[^\n|]*\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b/);
const USES_SECRET = new RE2(/\$\{?([A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)[A-Z0-9_]*)\}?/);

function jobs(doc: YamlFile): [string, Json][] {
  return isRecord(doc.body) ? Object.entries(doc.body).filter((e): e is [string, Json] => !RESERVED.has(e[0]) && !e[0].startsWith('.') && isRecord(e[1]) && (e[1].script !== undefined || e[1].trigger !== undefined || e[1].extends !== undefined)) : [];
}

function scripts(job: Json): string[] {
  return ['before_script', 'script', 'after_script'].flatMap((k) => list(job[k]).flat().map(String));
}

function imageName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  return isRecord(v) && typeof v.name === 'string' ? v.name : undefined;
}

function floats(image: string): boolean {
  if (image.includes('@sha256:') || image.includes('$')) return false;
  const last = image.slice(image.lastIndexOf('/') + 1);
  return !last.includes(':') || last.endsWith(':latest');
}

export const GITLAB_CI_CHECKS: readonly GitlabCheck[] = [
  check({ id: 'gitlab-unpinned-include', title: 'Included configuration not pinned to a commit', severity: 'MEDIUM', category: 'supply chain', fix: 'Pin `include: project` to a commit SHA in `ref:`; vendor remote includes into the repository.', aliases: ['Scorecard-Pinned-Dependencies'] }, (doc) => {
    const body = isRecord(doc.body) ? doc.body : {};
    return list(body.include).flatMap((inc, i) => {
      const at = (message: string): Hit => ({ line: doc.lineOf(['include', ...(Array.isArray(body.include) ? [i] : [])]), message });
      if (typeof inc === 'string' && /^https?:\/\//.test(inc)) return [at(`remote include ${inc} can change at any time`)];
      if (!isRecord(inc)) return [];
      if (typeof inc.remote === 'string') return [at(`remote include ${inc.remote} can change at any time`)];
      if (typeof inc.project === 'string' && !/^[0-9a-f]{40}$/.test(String(inc.ref ?? ''))) return [at(`project include ${inc.project}${inc.ref ? `@${String(inc.ref)}` : ' (default branch)'} follows a movable ref`)];
      return [];
    });
  }),
  check({ id: 'gitlab-image-latest', title: 'Job image or service without a version tag', severity: 'MEDIUM', category: 'supply chain', fix: 'Use a version tag, ideally with a digest (`image: node:20.11@sha256:…`).', aliases: [] }, (doc) => {
    const body = isRecord(doc.body) ? doc.body : {};
    const places: [(string | number)[], unknown][] = [[['image'], body.image], [['default', 'image'], isRecord(body.default) ? body.default.image : undefined]];
    for (const [job, j] of jobs(doc)) {
      places.push([[job, 'image'], j.image]);
      list(j.services).forEach((s, i) => places.push([[job, 'services', i], s]));
    }
    list(body.services).forEach((s, i) => places.push([['services', i], s]));
    return places.flatMap(([path, v]) => {
      const image = imageName(v);
      return image && floats(image) ? [{ line: doc.lineOf(path), message: `${image} floats`, ...(typeof path[0] === 'string' && path.length > 1 && !['default', 'services'].includes(path[0]) ? { resource: `job ${path[0]}` } : {}) }] : [];
    });
  }),
  check({ id: 'gitlab-privileged-dind', title: 'Docker-in-Docker service (needs a privileged runner)', severity: 'MEDIUM', category: 'runner isolation', fix: 'Build images without a privileged daemon (kaniko, buildah, BuildKit rootless), or keep dind jobs on dedicated, ephemeral runners.', aliases: [] }, (doc) => {
    const body = isRecord(doc.body) ? doc.body : {};
    return jobs(doc).filter(([, j]) => [...list(j.services), ...list(body.services)].some((s) => (imageName(s) ?? '').includes('dind'))).map(([job]) => ({ line: doc.lineOf([job, 'services']), message: 'docker:dind runs a root Docker daemon in a privileged container on the runner', resource: `job ${job}` }));
  }),
  check({ id: 'gitlab-dind-without-tls', title: 'Docker-in-Docker with TLS turned off', severity: 'HIGH', category: 'runner isolation', fix: 'Keep DOCKER_TLS_CERTDIR set (e.g. "/certs") and talk to docker:2376 over TLS; prefer rootless builders (kaniko, buildah).', aliases: [] }, (doc) => {
    const body = isRecord(doc.body) ? doc.body : {};
    const global = isRecord(body.variables) ? body.variables : {};
    return jobs(doc).flatMap(([job, j]) => {
      const dind = [...list(j.services), ...list(body.services)].some((s) => (imageName(s) ?? '').includes('dind'));
      if (!dind) return [];
      const vars = { ...global, ...(isRecord(j.variables) ? j.variables : {}) };
      const tlsOff = vars.DOCKER_TLS_CERTDIR === '' || String(vars.DOCKER_HOST ?? '').includes(':2375');
      return tlsOff ? [{ line: doc.lineOf([job, 'services']), message: 'a privileged docker:dind service listens without TLS', resource: `job ${job}` }] : [];
    });
  }),
  check({ id: 'gitlab-secret-in-log', title: 'Secret printed to the job log', severity: 'MEDIUM', category: 'secrets', fix: 'Do not echo secrets or dump the environment; mask variables in project settings.', aliases: [] }, (doc) =>
    jobs(doc).flatMap(([job, j]) =>
      scripts(j).flatMap((line) => {
        const m = ECHO_SECRET.exec(line);
        if (m) return [{ line: doc.lineOf([job, 'script']), message: `prints $${m[1] ?? ''}`, resource: `job ${job}` }];
        return DUMP_ENV.test(line) ? [{ line: doc.lineOf([job, 'script']), message: `\`${line.trim()}\` dumps every variable into the log`, resource: `job ${job}` }] : [];
      }),
    ),
  ),
  check({ id: 'gitlab-secret-in-variables', title: 'Secret written into CI variables', severity: 'HIGH', category: 'secrets', fix: 'Store secrets as masked, protected CI/CD variables in the project settings, not in .gitlab-ci.yml.', aliases: [] }, (doc) => {
    const body = isRecord(doc.body) ? doc.body : {};
    const places: [(string | number)[], unknown][] = [[['variables'], body.variables], ...jobs(doc).map(([job, j]): [(string | number)[], unknown] => [[job, 'variables'], j.variables])];
    return places.flatMap(([path, vars]) =>
      isRecord(vars)
        ? Object.entries(vars).flatMap(([k, v]) => {
            const value = isRecord(v) ? v.value : v;
            return isSecretName(k) && typeof value === 'string' && value !== '' && !value.includes('$') ? [{ line: doc.lineOf([...path, k]), message: `${k} holds a literal secret` }] : [];
          })
        : [],
    );
  }),
  check({ id: 'gitlab-mr-pipeline-secrets', title: 'Merge request pipeline uses credentials', severity: 'MEDIUM', category: 'least privilege', fix: 'Keep credential-using jobs on protected branches; mark the variables protected so merge request pipelines cannot read them.', aliases: [] }, (doc) =>
    jobs(doc).flatMap(([job, j]) => {
      const onMr = JSON.stringify(j.rules ?? '').includes('merge_request_event') || list(j.only).includes('merge_requests');
      if (!onMr) return [];
      const used = scripts(j).map((l) => USES_SECRET.exec(l)?.[1]).filter((x): x is string => x !== undefined);
      return used.length > 0 ? [{ line: doc.lineOf([job]), message: `runs on merge requests and uses $${[...new Set(used)].join(', $')}`, resource: `job ${job}` }] : [];
    }),
  ),
  check({ id: 'gitlab-curl-pipe-shell', title: 'Remote script piped into a shell', severity: 'MEDIUM', category: 'supply chain', fix: 'Download, verify the checksum, then run.', aliases: [] }, (doc) =>
    jobs(doc).flatMap(([job, j]) => (scripts(j).some((l) => PIPE_TO_SHELL.test(l)) ? [{ line: doc.lineOf([job, 'script']), message: 'a downloaded script runs unverified', resource: `job ${job}` }] : [])),
  ),
];
