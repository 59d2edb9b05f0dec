/**
 * GitHub Actions workflow checks: template injection of attacker-controlled `github.event`
 * fields into `run:`, third-party actions not pinned to a commit SHA, pull_request_target /
 * workflow_run jobs that check out the pull request head, missing or write-all permissions,
 * `secrets: inherit`, persisted checkout credentials next to artifact uploads, self-hosted
 * runners on pull requests, and `curl | sh`.
 */
import RE2 from 're2';
import { check, type Check, type Hit } from '../check.js';
import type { YamlFile } from '../yaml-document.js';
import { isRecord, list, type Json } from '../values.js';

type WorkflowCheck = Check<YamlFile>;

/** Contexts an outsider controls (issue/PR/comment text, branch names, commit messages). */
const UNTRUSTED = new RE2(/\$\{\{\s*(github\.(?:event\.(?:issue\.(?:title|body)|pull_request\.(?:title|body|head\.(?:ref|label|repo\.default_branch))|comment\.body|review\.body|review_comment\.body|discussion\.(?:title|body)|pages\.[^}]*\.page_name|commits\.[^}]*\.(?:message|author\.(?:email|name))|head_commit\.(?:message|author\.(?:email|name))|workflow_run\.(?:head_branch|head_commit\.(?:message|author\.(?:email|name))|display_title))|head_ref))\s*\}\}/g);
const PIPE_TO_SHELL = new RE2(/\b(?:curl|wget)\b[^\n|]*\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b/);
const PR_HEAD = /github\.event\.pull_request\.head\.(?:sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(?:sha|branch)|refs\/pull\//;

interface StepRef {
  job: string;
  index: number;
  step: Json;
}

function triggers(doc: YamlFile): string[] {
  const on = isRecord(doc.body) ? doc.body.on ?? (doc.body as Json)['true'] : undefined;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return isRecord(on) ? Object.keys(on) : [];
}

function jobs(doc: YamlFile): [string, Json][] {
  const j = isRecord(doc.body) ? doc.body.jobs : undefined;
  return isRecord(j) ? Object.entries(j).filter((e): e is [string, Json] => isRecord(e[1])) : [];
}

function steps(doc: YamlFile): StepRef[] {
  return jobs(doc).flatMap(([job, j]) => list(j.steps).flatMap((step, index) => (isRecord(step) ? [{ job, index, step }] : [])));
}

const stepAt = (doc: YamlFile, s: StepRef, rel: string[], message: string): Hit => ({ line: doc.lineOf(['jobs', s.job, 'steps', s.index, ...rel]), message, resource: `job ${s.job}` });
const isCheckout = (s: StepRef): boolean => typeof s.step.uses === 'string' && /^actions\/checkout@/.test(s.step.uses);

export const GITHUB_ACTIONS_CHECKS: readonly WorkflowCheck[] = [
  check({ id: 'gha-template-injection', title: 'Attacker-controlled expression in a shell script', severity: 'HIGH', category: 'code injection', fix: 'Pass the value through an environment variable (`env: TITLE: ${{ github.event.issue.title }}`) and use "$TITLE" in the script.', aliases: ['zizmor:template-injection', 'Scorecard-Dangerous-Workflow'] }, (doc) =>
    steps(doc).flatMap((s) => {
      const hits: Hit[] = [];
      const scripts: [string[], unknown][] = [[['run'], s.step.run], [['with', 'script'], isRecord(s.step.with) ? s.step.with.script : undefined]];
      for (const [rel, text] of scripts) {
        if (typeof text !== 'string') continue;
        const found: string[] = [];
        UNTRUSTED.lastIndex = 0;
        for (let m = UNTRUSTED.exec(text); m; m = UNTRUSTED.exec(text)) found.push(m[1] as string);
        if (found.length > 0) hits.push(stepAt(doc, s, rel, `\${{ ${[...new Set(found)].join(' }}, ${{ ')} }} is expanded into the script before it runs`));
      }
      return hits;
    }),
  ),
  check({ id: 'gha-unpinned-action', title: 'Third-party action not pinned to a commit SHA', severity: 'MEDIUM', category: 'supply chain', fix: 'Pin to the full commit SHA (`uses: owner/action@<40-hex> # v1.2.3`); tags can be moved.', aliases: ['zizmor:unpinned-uses', 'Scorecard-Pinned-Dependencies'] }, (doc) => {
    const uses: [string, Hit][] = [];
    for (const s of steps(doc)) if (typeof s.step.uses === 'string') uses.push([s.step.uses, stepAt(doc, s, ['uses'], '')]);
    for (const [job, j] of jobs(doc)) if (typeof j.uses === 'string') uses.push([j.uses, { line: doc.lineOf(['jobs', job, 'uses']), message: '', resource: `job ${job}` }]);
    return uses
      .filter(([u]) => !u.startsWith('./') && !u.startsWith('docker://') && !/^(?:actions|github)\//.test(u) && !/@[0-9a-f]{40}$/.test(u))
      .map(([u, h]) => ({ ...h, message: `${u} follows a movable ref` }));
  }),
  check({ id: 'gha-untrusted-checkout', title: 'Privileged trigger checks out pull request code', severity: 'CRITICAL', category: 'code injection', fix: 'Do not check out the PR head under pull_request_target/workflow_run; use pull_request, or keep the checkout away from secrets and write tokens.', aliases: ['zizmor:dangerous-triggers', 'Scorecard-Dangerous-Workflow'] }, (doc) => {
    if (!triggers(doc).some((t) => t === 'pull_request_target' || t === 'workflow_run')) return [];
    return steps(doc).filter((s) => isCheckout(s) && isRecord(s.step.with) && PR_HEAD.test(String(s.step.with.ref ?? ''))).map((s) => stepAt(doc, s, ['with', 'ref'], `checks out ${String((s.step.with as Json).ref)} with the base repository's secrets and token`));
  }),
  check({ id: 'gha-permissions', title: 'Token permissions missing or write-all', severity: 'MEDIUM', category: 'least privilege', fix: 'Declare `permissions: contents: read` at the top and grant more per job only where needed.', aliases: ['zizmor:excessive-permissions', 'Scorecard-Token-Permissions'] }, (doc) => {
    const body = isRecord(doc.body) ? doc.body : {};
    const hits: Hit[] = [];
    if (body.permissions === 'write-all') hits.push({ line: doc.lineOf(['permissions']), message: 'permissions: write-all grants every scope' });
    for (const [job, j] of jobs(doc)) if (j.permissions === 'write-all') hits.push({ line: doc.lineOf(['jobs', job, 'permissions']), message: 'permissions: write-all grants every scope', resource: `job ${job}` });
    if (body.permissions === undefined) {
      const without = jobs(doc).filter(([, j]) => j.permissions === undefined);
      if (without.length > 0) hits.push({ line: doc.lineOf(['jobs', without[0]?.[0] ?? '']), message: `no permissions block: ${without.map(([n]) => n).join(', ')} get the repository's default token scopes` });
    }
    return hits;
  }),
  check({ id: 'gha-secrets-inherit', title: 'All secrets passed to a reusable workflow', severity: 'MEDIUM', category: 'least privilege', fix: 'Pass only the secrets the called workflow needs.', aliases: ['zizmor:secrets-inherit'] }, (doc) =>
    jobs(doc).filter(([, j]) => j.secrets === 'inherit').map(([job]) => ({ line: doc.lineOf(['jobs', job, 'secrets']), message: 'secrets: inherit hands every secret to the called workflow', resource: `job ${job}` })),
  ),
  check({ id: 'gha-persisted-credentials', title: 'Checkout credentials persisted in a job that uploads artifacts', severity: 'MEDIUM', category: 'secrets', fix: 'Set `persist-credentials: false` on actions/checkout.', aliases: ['zizmor:artipacked'] }, (doc) => {
    const all = steps(doc);
    return all
      .filter((s) => isCheckout(s) && !(isRecord(s.step.with) && String(s.step.with['persist-credentials']) === 'false') && all.some((o) => o.job === s.job && typeof o.step.uses === 'string' && /^actions\/upload-artifact@/.test(o.step.uses)))
      .map((s) => stepAt(doc, s, ['uses'], 'the token stays in .git/config, which the artifact upload can include'));
  }),
  check({ id: 'gha-self-hosted-pull-request', title: 'Self-hosted runner on pull requests', severity: 'HIGH', category: 'runner isolation', fix: 'Run untrusted pull request code on GitHub-hosted or ephemeral isolated runners.', aliases: ['zizmor:self-hosted-runner'] }, (doc) => {
    if (!triggers(doc).some((t) => t.startsWith('pull_request'))) return [];
    return jobs(doc).filter(([, j]) => JSON.stringify(j['runs-on'] ?? '').includes('self-hosted')).map(([job]) => ({ line: doc.lineOf(['jobs', job, 'runs-on']), message: 'pull request code runs on a persistent self-hosted runner', resource: `job ${job}` }));
  }),
  check({ id: 'gha-curl-pipe-shell', title: 'Remote script piped into a shell', severity: 'MEDIUM', category: 'supply chain', fix: 'Download, verify the checksum, then run; or use a pinned action.', aliases: [] }, (doc) =>
    steps(doc).filter((s) => typeof s.step.run === 'string' && PIPE_TO_SHELL.test(s.step.run)).map((s) => stepAt(doc, s, ['run'], 'a downloaded script runs unverified')),
  ),
];
