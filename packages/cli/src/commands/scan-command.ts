/**
 * `bulwark image`, `bulwark rootfs` and `bulwark sbom`: parse flags, run the scan, render the
 * chosen format to stdout or --output, and turn problems into the exit code.
 */
import { stat, writeFile } from 'node:fs/promises';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import {
  AdvisoryStore,
  analyzerFingerprint,
  BulwarkError,
  ContentScanner,
  DEFAULT_CONTENT_MAX_FILE_SIZE,
  DEFAULT_LIMITS,
  defaultCacheDir,
  hasErrors,
  LayerCache,
  IMAGE_SOURCES,
  type ImageSourceKind,
  parseSize,
  REPORT_FORMATS,
  renderReport,
  scanImage,
  isCycloneDxJson,
  looksLikeReference,
  scanFs,
  scanRootfs,
  scanSbom,
  type ReportFormat,
  type ScanLimits,
  type ScanOptions,
  type ScanReport,
  type Severity,
  readIgnoreFile,
  readVex,
} from '@bulwark/core';
import { EXIT_INPUT_ERROR, EXIT_INTEGRITY, EXIT_OK } from '../exit-codes.js';
import { ProgressBar } from '../progress.js';
import { trustFrom } from '../signature-trust.js';
import { defaultDbPath } from './db-command.js';

export interface ScanFlags {
  format: ReportFormat;
  output?: string;
  platform?: string;
  select?: string;
  cacheDir?: string;
  imageSrc?: string;
  verifyKey?: string;
  verifyTrustedRoot?: string;
  verifyCertificateIdentity?: string;
  verifyCertificateOidcIssuer?: string;
  cache: boolean;
  cacheMaxSize: string;
  maxLayerSize?: string;
  quiet?: boolean;
  includeDevDeps?: boolean;
  db?: string;
  scanners?: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  exitCode?: string;
  ignorefile?: string;
  vex?: string[];
  malwareDb?: string;
  maxFileSize?: string;
  vulnSeveritySource?: string;
  insecure?: boolean;
  username?: string;
  password?: string;
}

type Mode = 'image' | 'rootfs' | 'fs' | 'sbom';

function sizeFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const size = parseSize(value);
  if (size === undefined || size <= 0) throw new BulwarkError('USAGE', flag, `invalid size '${value}' (examples: 512M, 2G)`);
  return size;
}

export function addScanOptions(cmd: Command, mode: Mode): Command {
  const defaultFormat = mode === 'sbom' ? 'cyclonedx' : 'table';
  cmd
    .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default(defaultFormat))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--cache-dir <dir>', 'layer cache directory', defaultCacheDir())
    .option('--no-cache', 'neither read nor write the layer cache')
    .option('--cache-max-size <size>', 'evict least-recently-used layers beyond this size', '2G')
    .option('--max-layer-size <size>', 'refuse layers larger than this when uncompressed', '16G')
    .option('-q, --quiet', 'no progress bar')
    .option('--include-dev-deps', 'keep development-only dependencies found in lockfiles')
    .option('--scanners <list>', 'what to look for: vuln, secret, malware, misconfig (default: vuln when an advisory database exists)')
    .option('--malware-db <dir>', 'ClamAV signature directory (.hdb .hsb .ndb .ldb) for --scanners malware; EICAR is built in')
    .option('--max-file-size <size>', 'files larger than this are not read by the secret and malware scanners', '10M')
    .option('--db <path>', 'advisory database (see `bulwark db import`)', defaultDbPath())
    .option('--severity <list>', 'report only these severities (CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN)')
    .option('--ignore-unfixed', 'report only vulnerabilities with a fix')
    .option('--vuln-severity-source <list>', 'take severity from the first of these raters that rated it (ghsa, nvd, debian, ubuntu, cbl-mariner…), else UNKNOWN')
    .option('--exit-code <n>', 'exit with this code when vulnerabilities remain after filtering (CI gate)')
    .option('--ignorefile <path>', 'YAML ignore rules (id, purl, path, reason, expires); default .bulwarkignore if present')
    .option('--vex <file...>', 'OpenVEX or CycloneDX VEX documents; not_affected statements suppress findings');
  if (mode === 'image' || mode === 'sbom') {
    cmd.option('--platform <os/arch[/variant]>', 'image to pick from a multi-platform index (default linux/amd64)');
    cmd.option('--select <ref>', 'image to pick from a multi-image archive (tag or OCI ref name)');
    cmd.option('--insecure', 'talk to the registry over plain HTTP');
    cmd.option('--username <user>', 'registry user name (also BULWARK_USERNAME; default: docker config.json)');
    cmd.option('--password <password>', 'registry password or token (also BULWARK_PASSWORD)');
    if (mode === 'image')
      cmd
        .option('--verify-key <file>', 'check the image\'s cosign signatures (tag scheme and Sigstore bundles) with this public key; an unverified image is a HIGH finding (image-signature-unverified)')
        .option('--verify-trusted-root <file>', 'keyless: check Sigstore bundles against this trusted_root.json (offline); needs the two options below')
        .option('--verify-certificate-identity <san>', 'keyless: the signer identity the certificate must carry')
        .option('--verify-certificate-oidc-issuer <url>', 'keyless: the OIDC issuer the certificate must name');
    cmd.option('--image-src <list>', 'where to look for an image given by name, in order: docker, podman, registry', 'docker,podman,registry');
  }
  return cmd;
}

async function isImageDirectory(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  return !st?.isDirectory() || existsSync(join(path, 'index.json'));
}

/** A directory with an OS in it is a root filesystem; anything else is a project checkout. */
function looksLikeRootfs(path: string): boolean {
  return ['etc/os-release', 'usr/lib/os-release', 'var/lib/dpkg/status', 'lib/apk/db/installed', 'bin/sh'].some((p) => existsSync(join(path, p)));
}

function imageSources(list: string): ImageSourceKind[] {
  const kinds = list.split(',').map((x) => x.trim()).filter(Boolean);
  for (const k of kinds) if (!(IMAGE_SOURCES as readonly string[]).includes(k)) throw new BulwarkError('USAGE', '--image-src', `unknown image source '${k}' (${IMAGE_SOURCES.join(', ')})`);
  if (kinds.length === 0) throw new BulwarkError('USAGE', '--image-src', 'empty list');
  return kinds as ImageSourceKind[];
}

export async function runScan(mode: Mode, target: string, flags: ScanFlags): Promise<number> {
  const limits: ScanLimits = { ...DEFAULT_LIMITS, maxLayerSize: sizeFlag(flags.maxLayerSize, '--max-layer-size', DEFAULT_LIMITS.maxLayerSize) };
  const progress = ProgressBar.forStderr(flags.quiet === true);
  const options: ScanOptions = { limits };
  if (flags.platform) options.platform = flags.platform;
  if (flags.select) options.select = flags.select;
  if (flags.includeDevDeps) options.includeDevDeps = true;
  if (flags.cache && flags.cacheDir) {
    options.cache = new LayerCache(flags.cacheDir, sizeFlag(flags.cacheMaxSize, '--cache-max-size', 2 ** 31), analyzerFingerprint());
  }
  if (progress) options.onProgress = progress.onProgress;
  const scanners = (flags.scanners ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  for (const s of scanners) if (!['vuln', 'secret', 'malware', 'misconfig', 'none'].includes(s)) throw new BulwarkError('USAGE', '--scanners', `unknown scanner '${s}' (available: vuln, secret, malware, misconfig)`);
  if (flags.malwareDb && !scanners.includes('malware')) throw new BulwarkError('USAGE', '--malware-db', 'given without --scanners malware');
  if ((scanners.includes('secret') || scanners.includes('malware')) && mode !== 'sbom') {
    options.content = new ContentScanner({
      secrets: scanners.includes('secret'),
      malware: scanners.includes('malware'),
      maxFileSize: sizeFlag(flags.maxFileSize, '--max-file-size', DEFAULT_CONTENT_MAX_FILE_SIZE),
      ...(flags.malwareDb ? { malwareDb: flags.malwareDb } : {}),
    });
  }
  if (flags.exitCode !== undefined && !/^\d{1,3}$/.test(flags.exitCode)) throw new BulwarkError('USAGE', '--exit-code', `'${flags.exitCode}' is not an exit code (0-255)`);
  if ((mode === 'image' || mode === 'sbom') && !existsSync(target) && looksLikeReference(target)) {
    options.registry = { ...(flags.insecure ? { insecure: true } : {}), ...(flags.username !== undefined ? { username: flags.username } : {}), ...(flags.password !== undefined ? { password: flags.password } : {}) };
    options.imageSources = imageSources(flags.imageSrc ?? 'docker,podman,registry');
    if (options.cache && flags.cacheDir) {
      mkdirSync(flags.cacheDir, { recursive: true });
      options.tempDir = flags.cacheDir;
    }
  }
  if (flags.verifyKey || flags.verifyTrustedRoot) {
    const trustFlags = { ...(flags.verifyKey ? { key: flags.verifyKey } : {}), ...(flags.verifyTrustedRoot ? { trustedRoot: flags.verifyTrustedRoot } : {}), ...(flags.verifyCertificateIdentity ? { certificateIdentity: flags.verifyCertificateIdentity } : {}), ...(flags.verifyCertificateOidcIssuer ? { certificateOidcIssuer: flags.verifyCertificateOidcIssuer } : {}) };
    options.signatureTrust = trustFrom(trustFlags, { key: '--verify-key', trustedRoot: '--verify-trusted-root', identity: '--verify-certificate-identity', issuer: '--verify-certificate-oidc-issuer' });
  }
  const sbomIn = mode === 'sbom' && !options.registry && isCycloneDxJson(target);
  const wantVuln = scanners.includes('vuln') || (scanners.length === 0 && (mode !== 'sbom' || sbomIn) && flags.db !== undefined && existsSync(flags.db));
  if (wantVuln || options.content || options.signatureTrust) options.policy = policyFrom(flags);
  if (scanners.includes('misconfig') && mode !== 'sbom') {
    const policy = policyFrom(flags);
    options.misconfig = { ...(policy.severities ? { severities: policy.severities } : {}), ...(policy.ignoreRules ? { ignoreRules: policy.ignoreRules } : {}), ...(policy.ignoreFile ? { ignoreFile: policy.ignoreFile } : {}) };
  }
  if (wantVuln) {
    if (!flags.db || !existsSync(flags.db)) throw new BulwarkError('USAGE', flags.db ?? '--db', 'no advisory database here; import advisories first with `bulwark db import PATH…`');
    options.advisories = AdvisoryStore.open(flags.db, { readonly: true });
    if (flags.vulnSeveritySource) options.severitySources = flags.vulnSeveritySource.split(',').map((x) => x.trim()).filter(Boolean);
  }
  let report: ScanReport;
  try {
    if (sbomIn) report = await scanSbom(target, options);
    else if (mode === 'fs') report = await scanFs(target, options);
    else if (mode === 'image' || options.registry || (mode === 'sbom' && (await isImageDirectory(target)))) report = await scanImage(target, options);
    else if (mode === 'sbom' && !looksLikeRootfs(target)) report = await scanFs(target, options);
    else report = await scanRootfs(target, options);
  } finally {
    progress?.finish();
    options.advisories?.close();
    await options.content?.close();
  }
  const color = !flags.output && process.stdout.isTTY && !process.env.NO_COLOR;
  const text = await renderReport(report, flags.format, { color });
  if (flags.output) await writeFile(flags.output, text);
  else process.stdout.write(text);
  // Problems are part of every format's output; repeat errors on stderr for machine formats.
  if (flags.format !== 'table' || flags.output) {
    for (const p of report.problems) if (p.level === 'error') process.stderr.write(`bulwark: ${p.input}: ${p.message}\n`);
  }
  if (report.problems.some((p) => p.level === 'error' && p.code === 'DIGEST_MISMATCH')) return EXIT_INTEGRITY;
  if (hasErrors(report.problems)) return EXIT_INPUT_ERROR;
  const remaining = (report.vulnerabilities?.length ?? 0) + (report.secrets?.length ?? 0) + (report.malware?.length ?? 0) + (report.misconfigurations?.length ?? 0);
  if (flags.exitCode !== undefined && remaining > 0) return Number(flags.exitCode);
  return EXIT_OK;
}

const SEVERITIES = new Set(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']);

function policyFrom(flags: ScanFlags): NonNullable<ScanOptions['policy']> {
  const policy: NonNullable<ScanOptions['policy']> = {};
  if (flags.severity) {
    const list = flags.severity.split(',').map((s) => s.trim().toUpperCase());
    for (const s of list) if (!SEVERITIES.has(s)) throw new BulwarkError('USAGE', '--severity', `unknown severity '${s}' (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN)`);
    policy.severities = list as Severity[];
  }
  if (flags.ignoreUnfixed) policy.ignoreUnfixed = true;
  const ignoreFile = flags.ignorefile ?? (existsSync('.bulwarkignore') ? '.bulwarkignore' : undefined);
  if (ignoreFile) {
    policy.ignoreRules = readIgnoreFile(ignoreFile);
    policy.ignoreFile = ignoreFile;
  }
  if (flags.vex?.length) policy.vex = flags.vex.flatMap(readVex);
  return policy;
}
