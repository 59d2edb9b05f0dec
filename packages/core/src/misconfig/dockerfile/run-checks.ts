/**
 * Dockerfile checks on what RUN executes: package-manager hygiene (pinning, -y, cache,
 * --no-install-recommends, update alone, apt vs apt-get), TLS and signature verification
 * turned off, sudo, `curl | sh`, missing pipefail, `cd`, world-writable chmod, chpasswd.
 */
import { check, type Check, type Hit } from '../check.js';
import type { DfInstruction, Dockerfile } from './parse-dockerfile.js';
import { commandName, splitCommands, type SimpleCommand } from './shell.js';

type DfCheck = Check<Dockerfile>;

interface RunInfo {
  ins: DfInstruction;
  commands: { name: string; args: string[]; cmd: SimpleCommand }[];
}

const runs = (df: Dockerfile): RunInfo[] =>
  df.instructions
    .filter((i) => i.keyword === 'RUN')
    .map((ins) => ({ ins, commands: splitCommands(ins.json ? ins.argv.join(' ') : ins.args).map((cmd) => ({ ...commandName(cmd), cmd })) }));

const hit = (i: DfInstruction, message: string): Hit => (i.endLine !== i.line ? { line: i.line, endLine: i.endLine, message } : { line: i.line, message });

/** RUN instructions with a command matching `test`, one hit each with the message it gives. */
function eachRun(df: Dockerfile, test: (c: RunInfo['commands'][number], run: RunInfo) => string | undefined): Hit[] {
  const out: Hit[] = [];
  for (const run of runs(df)) {
    for (const c of run.commands) {
      const message = test(c, run);
      if (message) {
        out.push(hit(run.ins, message));
        break;
      }
    }
  }
  return out;
}

const packagesOf = (args: string[], verbs: string[]): string[] => {
  const at = args.findIndex((a) => verbs.includes(a));
  return args.slice(at + 1).filter((a) => !a.startsWith('-') && !a.includes('$') && !a.startsWith('/') && !a.endsWith('.rpm') && !a.endsWith('.deb'));
};
const hasFlag = (args: string[], ...flags: string[]): boolean => args.some((a) => flags.includes(a) || flags.some((f) => f.startsWith('--') && a.startsWith(`${f}=`)));
const script = (run: RunInfo): string => run.ins.args;
const APT = ['apt-get', 'apt'];
const YUM = ['yum', 'dnf', 'microdnf'];

export const RUN_CHECKS: readonly DfCheck[] = [
  check({ id: 'dockerfile-sudo', title: 'sudo in RUN', severity: 'MEDIUM', category: 'least privilege', fix: 'Run privileged steps as root before USER, not through sudo (which also has to be installed).', aliases: ['DL3004', 'DS-0010', 'CKV2_DOCKER_1'] }, (df) =>
    eachRun(df, (c) => (c.cmd.words[0] === 'sudo' ? 'RUN uses sudo' : undefined)),
  ),
  check({ id: 'dockerfile-curl-pipe-shell', title: 'Remote script piped into a shell', severity: 'HIGH', category: 'supply chain', fix: 'Download the script, verify its checksum or signature, then run it.', aliases: ['Scorecard-Pinned-Dependencies'] }, (df) => {
    const out: Hit[] = [];
    for (const run of runs(df)) {
      const idx = run.commands.findIndex((c, k) => c.cmd.pipesInto && ['curl', 'wget'].includes(c.name) && ['sh', 'bash', 'zsh', 'ash', 'dash', 'python', 'python3', 'perl', 'ruby', 'node'].includes(run.commands[k + 1]?.name ?? ''));
      if (idx >= 0) out.push(hit(run.ins, `${run.commands[idx]?.name} output is executed by ${run.commands[idx + 1]?.name} unverified`));
    }
    return out;
  }),
  check({ id: 'dockerfile-tls-verification-disabled', title: 'TLS certificate verification disabled', severity: 'HIGH', category: 'supply chain', fix: 'Keep TLS verification on; add the CA certificate you need instead.', aliases: ['CKV2_DOCKER_2', 'CKV2_DOCKER_3', 'CKV2_DOCKER_4', 'CKV2_DOCKER_5', 'CKV2_DOCKER_6', 'CKV2_DOCKER_12', 'CKV2_DOCKER_13', 'CKV2_DOCKER_14', 'CKV2_DOCKER_15', 'CKV2_DOCKER_16', 'CIS-4.11'] }, (df) => {
    const fromRun = eachRun(df, (c) => {
      if (c.name === 'curl' && hasFlag(c.args, '-k', '--insecure')) return 'curl -k skips certificate verification';
      if (c.name === 'curl' && c.args.some((a) => /^-[a-zA-Z]*k[a-zA-Z]*$/.test(a) && !a.startsWith('--'))) return 'curl -k skips certificate verification';
      if (c.name === 'wget' && hasFlag(c.args, '--no-check-certificate')) return 'wget --no-check-certificate';
      if (['pip', 'pip3'].includes(c.name) && hasFlag(c.args, '--trusted-host')) return 'pip --trusted-host turns off TLS checks for that host';
      if (['npm', 'yarn', 'pnpm'].includes(c.name) && c.args.join(' ').match(/\bstrict-ssl\b.*\bfalse\b/)) return `${c.name} strict-ssl false`;
      if (c.name === 'git' && /http\.sslverify\s+false/i.test(c.args.join(' '))) return 'git http.sslVerify false';
      if (YUM.includes(c.name) && /sslverify=(?:0|false|no)/i.test(c.args.join(' '))) return `${c.name} sslverify off`;
      return undefined;
    });
    const env = df.instructions
      .filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG' || i.keyword === 'RUN')
      .filter((i) => /\b(?:NODE_TLS_REJECT_UNAUTHORIZED\s*[= ]\s*["']?0|PYTHONHTTPSVERIFY\s*[= ]\s*["']?0|GIT_SSL_NO_VERIFY\s*[= ]\s*["']?(?:1|true)|PIP_TRUSTED_HOST\s*[= ])/i.test(i.args))
      .map((i) => hit(i, 'an environment variable turns TLS verification off'));
    return [...fromRun, ...env.filter((e) => !fromRun.some((r) => r.line === e.line))];
  }),
  check({ id: 'dockerfile-package-signature-disabled', title: 'Package signature verification disabled', severity: 'HIGH', category: 'supply chain', fix: 'Install only signed packages; import the repository key instead of skipping checks.', aliases: ['CKV2_DOCKER_7', 'CKV2_DOCKER_8', 'CKV2_DOCKER_9', 'CKV2_DOCKER_10', 'CKV2_DOCKER_11', 'CIS-4.11'] }, (df) =>
    eachRun(df, (c) => {
      if (c.name === 'apk' && hasFlag(c.args, '--allow-untrusted')) return 'apk --allow-untrusted';
      if (APT.includes(c.name) && hasFlag(c.args, '--allow-unauthenticated', '--force-yes')) return `${c.name} ${c.args.find((a) => a.startsWith('--allow-unauthenticated') || a === '--force-yes')}`;
      if (APT.includes(c.name) && c.args.some((a) => /AllowUnauthenticated=(?:true|1|yes)/i.test(a))) return 'APT::Get::AllowUnauthenticated';
      if (c.name === 'rpm' && hasFlag(c.args, '--nosignature', '--nodigest')) return 'rpm without signature or digest checks';
      if ((YUM.includes(c.name) || c.name === 'zypper') && hasFlag(c.args, '--nogpgcheck', '--no-gpg-checks')) return `${c.name} without GPG checks`;
      if (/gpgcheck\s*=\s*0/.test(c.cmd.text)) return 'gpgcheck=0';
      return undefined;
    }),
  ),
  check({ id: 'dockerfile-update-alone', title: 'Package index updated in a separate RUN', severity: 'MEDIUM', category: 'reliability', fix: 'Update and install in the same RUN (`apt-get update && apt-get install …`), or the cached update layer goes stale.', aliases: ['DS-0017', 'CKV_DOCKER_5', 'CIS-4.7'] }, (df) =>
    runs(df)
      .filter((r) => r.commands.some((c) => (APT.includes(c.name) || c.name === 'apk' || YUM.includes(c.name)) && c.args.includes('update')) && !r.commands.some((c) => c.args.some((a) => ['install', 'add', 'upgrade', 'dist-upgrade'].includes(a))))
      .map((r) => hit(r.ins, 'the package index is updated without installing anything in the same layer')),
  ),
  check({ id: 'dockerfile-apt-get-no-yes', title: 'Package install without -y', severity: 'MEDIUM', category: 'reliability', fix: 'Pass -y (apt-get, yum, dnf) or -n (zypper) so the build does not stop at a prompt.', aliases: ['DL3014', 'DL3030', 'DL3034', 'DL3038', 'DS-0021'] }, (df) =>
    eachRun(df, (c) => {
      if ((c.name === 'apt-get' || YUM.includes(c.name)) && c.args.includes('install') && !hasFlag(c.args, '-y', '--yes', '--assume-yes', '-qq', '-qy', '-yq') && !c.args.some((a) => /^-[a-z]*y[a-z]*$/.test(a))) return `${c.name} install without -y`;
      if (c.name === 'zypper' && c.args.includes('install') && !hasFlag(c.args, '-n', '--non-interactive', '-y', '--no-confirm')) return 'zypper install without -n';
      return undefined;
    }),
  ),
  check({ id: 'dockerfile-apt-no-install-recommends', title: 'apt-get install without --no-install-recommends', severity: 'LOW', category: 'attack surface', fix: 'Add --no-install-recommends to keep unneeded packages out.', aliases: ['DL3015', 'DS-0029', 'CIS-4.3'] }, (df) =>
    eachRun(df, (c) => (c.name === 'apt-get' && c.args.includes('install') && !hasFlag(c.args, '--no-install-recommends') && !c.args.some((a) => /Install-Recommends=(?:false|0)/i.test(a)) ? 'apt-get install pulls in recommended packages' : undefined)),
  ),
  check({ id: 'dockerfile-unpinned-packages', title: 'Package installed without a version', severity: 'LOW', category: 'supply chain', fix: 'Pin versions (`pkg=1.2.3`, `pkg==1.2.3`, `pkg@1.2.3`) so rebuilds are reproducible.', aliases: ['DL3008', 'DL3018', 'DL3013', 'DL3016', 'DL3028', 'DL3033', 'DL3041', 'DL3037', 'CIS-4.11'] }, (df) =>
    eachRun(df, (c) => {
      let unpinned: string[] = [];
      if (c.name === 'apt-get' && c.args.includes('install')) unpinned = packagesOf(c.args, ['install']).filter((p) => !p.includes('='));
      else if (c.name === 'apk' && c.args.includes('add')) unpinned = packagesOf(c.args, ['add']).filter((p) => !p.includes('='));
      else if (['pip', 'pip3'].includes(c.name) && c.args.includes('install') && !hasFlag(c.args, '-r', '--requirement', '-e', '--editable')) unpinned = packagesOf(c.args, ['install']).filter((p) => !/[=<>~]=|@|\.whl$|^\./.test(p) && p !== '.');
      else if (c.name === 'npm' && ['install', 'i', 'add'].some((v) => c.args.includes(v))) unpinned = packagesOf(c.args, ['install', 'i', 'add']).filter((p) => !/^@?[^@]+@\S+$/.test(p) && p !== '.');
      else if (c.name === 'gem' && c.args.includes('install') && !hasFlag(c.args, '-v', '--version')) unpinned = packagesOf(c.args, ['install']).filter((p) => !p.includes(':'));
      else if (YUM.includes(c.name) && c.args.includes('install')) unpinned = packagesOf(c.args, ['install']).filter((p) => !/-\d/.test(p));
      return unpinned.length > 0 ? `${c.name} installs ${unpinned.slice(0, 3).join(', ')}${unpinned.length > 3 ? '…' : ''} without a version` : undefined;
    }),
  ),
  check({ id: 'dockerfile-package-cache-kept', title: 'Package manager cache left in the layer', severity: 'LOW', category: 'image size', fix: 'Clean in the same RUN: `rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install --no-cache-dir`, `yum clean all` (or use a cache mount).', aliases: ['DL3009', 'DL3019', 'DL3042', 'DL3032', 'DL3040', 'DL3036', 'DS-0025', 'DS-0015', 'DS-0019', 'DS-0020', 'DS-0027'] }, (df) =>
    runs(df).flatMap((r) => {
      if (r.ins.flags.has('mount') && /type=cache/.test(r.ins.flags.get('mount') ?? '')) return [];
      const text = script(r);
      const c = r.commands;
      if (c.some((x) => x.name === 'apt-get' && x.args.includes('install')) && !/\/var\/lib\/apt\/lists/.test(text)) return [hit(r.ins, 'apt lists are kept in the layer')];
      if (c.some((x) => x.name === 'apk' && x.args.includes('add') && !hasFlag(x.args, '--no-cache')) && !/\/var\/cache\/apk/.test(text)) return [hit(r.ins, 'apk add without --no-cache keeps the index')];
      if (c.some((x) => ['pip', 'pip3'].includes(x.name) && x.args.includes('install') && !hasFlag(x.args, '--no-cache-dir')) && !/PIP_NO_CACHE_DIR/.test(text)) return [hit(r.ins, 'pip install without --no-cache-dir keeps wheels')];
      if (c.some((x) => YUM.includes(x.name) && x.args.includes('install')) && !/(?:yum|dnf|microdnf) clean all|\/var\/cache\/(?:yum|dnf)/.test(text)) return [hit(r.ins, 'yum/dnf cache is kept in the layer')];
      if (c.some((x) => x.name === 'zypper' && x.args.some((a) => a === 'install' || a === 'in')) && !/zypper (?:clean|cc)/.test(text)) return [hit(r.ins, 'zypper cache is kept in the layer')];
      return [];
    }),
  ),
  check({ id: 'dockerfile-apt-instead-of-apt-get', title: 'apt used in a script', severity: 'LOW', category: 'reliability', fix: 'Use apt-get (or apt-cache); apt has no stable command-line interface.', aliases: ['DL3027'] }, (df) =>
    eachRun(df, (c) => (c.name === 'apt' && c.cmd.words[0] !== '-' ? 'apt is for interactive use' : undefined)),
  ),
  check({ id: 'dockerfile-dist-upgrade', title: 'Full distribution upgrade in the build', severity: 'LOW', category: 'reliability', fix: 'Pick a newer base image instead of upgrading everything inside the build.', aliases: ['DL3005', 'DS-0024', 'CKV_DOCKER_9'] }, (df) =>
    eachRun(df, (c) => (APT.includes(c.name) && c.args.some((a) => a === 'dist-upgrade' || a === 'full-upgrade') ? `${c.name} ${c.args.find((a) => a.endsWith('upgrade'))}` : undefined)),
  ),
  check({ id: 'dockerfile-pipefail', title: 'Pipe without pipefail', severity: 'LOW', category: 'reliability', fix: 'Add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or `set -o pipefail &&`) so a failing first command fails the build.', aliases: ['DL4006'] }, (df) => {
    const out: Hit[] = [];
    for (const r of runs(df)) {
      if (r.ins.json || !r.commands.some((c) => c.cmd.pipesInto)) continue;
      const shell = df.instructions.filter((i) => i.keyword === 'SHELL' && i.stage === r.ins.stage && i.line < r.ins.line).pop();
      if (shell && shell.argv.join(' ').includes('pipefail')) continue;
      if (/set -[a-z]*o pipefail|set -euo pipefail|-o pipefail/.test(script(r))) continue;
      out.push(hit(r.ins, 'a failure before the pipe is ignored by /bin/sh'));
    }
    return out;
  }),
  check({ id: 'dockerfile-run-cd', title: 'cd in RUN instead of WORKDIR', severity: 'LOW', category: 'best practice', fix: 'Use WORKDIR to change directory.', aliases: ['DL3003', 'DS-0013'] }, (df) =>
    eachRun(df, (c, r) => (c.name === 'cd' && r.commands[0] === c && r.commands.length > 1 ? 'RUN cd … && … hides the working directory from later instructions' : undefined)),
  ),
  check({ id: 'dockerfile-chmod-world-writable', title: 'World-writable permissions', severity: 'MEDIUM', category: 'least privilege', fix: 'Grant only the owner (or group) write access.', aliases: [] }, (df) =>
    eachRun(df, (c) => (c.name === 'chmod' && c.args.some((a) => /^0?[0-7]?[0-7][0-7][2367]$/.test(a) || /^(?:[ugoa]*[ao][ugoa]*|)[+=][rwxXst]*w/.test(a)) ? `chmod ${c.args.filter((a) => !a.startsWith('-'))[0] ?? ''} makes files writable by anyone` : undefined)),
  ),
  check({ id: 'dockerfile-chpasswd', title: 'Password set in the build', severity: 'HIGH', category: 'secrets', fix: 'Do not bake account passwords into images; use key-based access or runtime secrets.', aliases: ['CKV2_DOCKER_17', 'CIS-4.10'] }, (df) =>
    eachRun(df, (c, r) => (c.name === 'chpasswd' || (c.name === 'passwd' && r.commands.some((x) => x.cmd.pipesInto)) || (c.name === 'usermod' && hasFlag(c.args, '-p', '--password')) ? `${c.name} sets a password stored in the layer` : undefined)),
  ),
];
