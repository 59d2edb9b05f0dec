/**
 * `bulwark config PATH…`: configuration checks for Dockerfiles, Kubernetes, Compose and CI files
 * (files or directories, types detected; `-` reads stdin with `--type`). Renders the report
 * and maps findings to `--exit-code`.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { BulwarkError, CONFIG_TYPES, loadCustomChecks, hasErrors, readIgnoreFile, renderReport, scanConfigInputs, scanConfigPaths, type ConfigScanOptions, type ConfigType, type ScanReport, type Severity } from '@bulwark/core';
import { EXIT_INPUT_ERROR, EXIT_OK } from '../exit-codes.js';

interface ConfigFlags {
  format: 'table' | 'json' | 'sarif';
  output?: string;
  type?: ConfigType;
  severity?: string;
  exitCode?: string;
  ignorefile?: string;
  allowedRegistries?: string;
  policy?: string;
}

const SEVERITIES = new Set(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);

export function addConfigCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('config')
    .argument('<paths...>', 'files or directories (Dockerfile, Kubernetes, Compose, GitHub Actions, GitLab CI, registry config.yml); - reads stdin (needs --type)')
    .description('check Dockerfiles, Kubernetes manifests, Compose files, CI workflows (GitHub Actions, GitLab CI) and registry config.yml for misconfigurations')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--type <type>', 'treat every input as this type').choices([...CONFIG_TYPES]))
    .option('--severity <list>', 'report only these severities (CRITICAL,HIGH,MEDIUM,LOW)')
    .option('--exit-code <n>', 'exit with this code when findings remain (CI gate)')
    .option('--ignorefile <path>', 'YAML ignore rules (id = check id or alias, path, reason, expires); default .bulwarkignore if present')
    .option('--policy <dir>', 'custom checks: YAML files with CEL conditions (see docs/misconfig.md)')
    .option('--allowed-registries <list>', 'registries base images and pod images may come from (docker.io, ghcr.io, …)')
    .action(async (paths: string[], flags: ConfigFlags) => {
      setExit(await runConfig(paths, flags));
    });
}

async function runConfig(paths: string[], flags: ConfigFlags): Promise<number> {
  if (flags.exitCode !== undefined && !/^\d{1,3}$/.test(flags.exitCode)) throw new BulwarkError('USAGE', '--exit-code', `'${flags.exitCode}' is not an exit code (0-255)`);
  const options: ConfigScanOptions = {};
  if (flags.type) options.type = flags.type;
  if (flags.severity) {
    const list = flags.severity.split(',').map((s) => s.trim().toUpperCase());
    for (const s of list) if (!SEVERITIES.has(s)) throw new BulwarkError('USAGE', '--severity', `unknown severity '${s}' (CRITICAL, HIGH, MEDIUM, LOW)`);
    options.severities = list as Severity[];
  }
  if (flags.policy) options.custom = loadCustomChecks(flags.policy);
  if (flags.allowedRegistries) options.allowedRegistries = flags.allowedRegistries.split(',').map((s) => s.trim()).filter(Boolean);
  const ignoreFile = flags.ignorefile ?? (existsSync('.bulwarkignore') ? '.bulwarkignore' : undefined);
  if (ignoreFile) {
    options.ignoreRules = readIgnoreFile(ignoreFile);
    options.ignoreFile = ignoreFile;
  }
  let report: ScanReport;
  if (paths.length === 1 && paths[0] === '-') {
    if (!flags.type) throw new BulwarkError('USAGE', '-', 'reading stdin needs --type (dockerfile, kubernetes, …)');
    report = scanConfigInputs([{ path: '<stdin>', text: readFileSync(0, 'utf8') }], options, '<stdin>');
  } else report = scanConfigPaths(paths, options);
  const text = await renderReport(report, flags.format, { color: !flags.output && process.stdout.isTTY && !process.env.NO_COLOR });
  if (flags.output) writeFileSync(flags.output, text);
  else process.stdout.write(text);
  if (flags.format !== 'table' || flags.output) for (const p of report.problems) if (p.level === 'error') process.stderr.write(`bulwark: ${p.input}: ${p.message}\n`);
  if (hasErrors(report.problems)) return EXIT_INPUT_ERROR;
  if (flags.exitCode !== undefined && (report.misconfigurations?.length ?? 0) > 0) return Number(flags.exitCode);
  return EXIT_OK;
}
