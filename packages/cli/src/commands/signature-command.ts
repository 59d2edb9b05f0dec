/**
 * `bulwark key generate`, `bulwark sign IMAGE --key cosign.key [--bundle]` and
 * `bulwark verify IMAGE --key cosign.pub | --trusted-root …`: cosign-compatible keys, tag-scheme
 * signatures and Sigstore bundles (referrers). The key password comes from COSIGN_PASSWORD or
 * --key-password-file, as with cosign/skopeo.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { BulwarkError, connectRegistry, generateCosignKeyPair, loadCosignPrivateKey, signWithBundle, signWithCosignKey, verifyImageSignatures, type RegistryOptions, type VerificationResult } from '@bulwark/core';
import { EXIT_OK, EXIT_UNSIGNED } from '../exit-codes.js';
import { trustFrom, type VerifyFlags } from '../signature-trust.js';

interface RegistryFlags {
  insecure?: boolean;
  username?: string;
  password?: string;
}

interface KeyFlags {
  keyPasswordFile?: string;
}

function keyPassword(flags: KeyFlags): string {
  if (flags.keyPasswordFile) {
    if (!existsSync(flags.keyPasswordFile)) throw new BulwarkError('INPUT_NOT_FOUND', flags.keyPasswordFile, 'no such password file');
    return readFileSync(flags.keyPasswordFile, 'utf8').replace(/\r?\n$/, '');
  }
  return process.env.COSIGN_PASSWORD ?? '';
}

function readKeyFile(path: string): string {
  if (!existsSync(path)) throw new BulwarkError('INPUT_NOT_FOUND', path, 'no such key file');
  return readFileSync(path, 'utf8');
}

function registryOptions(flags: RegistryFlags): RegistryOptions {
  return { ...(flags.insecure ? { insecure: true } : {}), ...(flags.username !== undefined ? { username: flags.username } : {}), ...(flags.password !== undefined ? { password: flags.password } : {}) };
}

/** Where signatures live: --signature-repository, else COSIGN_REPOSITORY, else next to the image. */
function signatureClient(flags: RegistryFlags & { signatureRepository?: string }): ReturnType<typeof connectRegistry> | undefined {
  const repository = flags.signatureRepository ?? process.env.COSIGN_REPOSITORY;
  if (!repository) return undefined;
  if (/[@:][^/]*$/.test(repository.slice(repository.indexOf('/') + 1))) throw new BulwarkError('USAGE', repository, 'a signature repository names a repository, without tag or digest');
  // The tag in the reference is irrelevant: signature tags are derived from the image digest.
  return connectRegistry(`${repository}:sig`, registryOptions(flags));
}

const withRegistryFlags = (command: Command): Command =>
  command
    .option('--signature-repository <repo>', 'read/write signatures in this repository instead of the image\'s (also COSIGN_REPOSITORY)')
    .option('--insecure', 'plain HTTP to the registry')
    .option('--username <user>', 'registry user (else BULWARK_USERNAME or ~/.docker/config.json)')
    .option('--password <password>', 'registry password (else BULWARK_PASSWORD or ~/.docker/config.json)');

function renderVerification(result: VerificationResult): string {
  const bundles = result.signatures.filter((s) => s.scheme === 'sigstore-bundle').length;
  const lines = [`${result.reference} (${result.manifestDigest})`, `signatures at :${result.signatureTag}: ${result.signatures.length - bundles}`, `Sigstore bundles${result.bundlesAt ? ` (${result.bundlesAt})` : ''}: ${bundles}`];
  for (const s of result.signatures) {
    const who = s.identity ? ` signer ${s.identity.subjectAlternativeName ?? '?'} (issuer ${s.identity.issuer ?? '?'})` : '';
    lines.push(`  ${s.status.padEnd(14)} ${s.scheme === 'sigstore-bundle' ? 'bundle' : 'tag   '} ${s.payloadDigest}${s.dockerReference ? ` identity ${s.dockerReference}` : ''}${who}${s.keyless && !s.identity ? ' (keyless)' : ''}${s.reason ? ` — ${s.reason}` : ''}`);
  }
  lines.push(result.verified ? 'verified: at least one signature by the trusted key or identity covers this digest' : `NOT verified: ${result.signatures.length === 0 ? 'the image has no cosign signature' : 'no signature by the trusted key or identity covers this digest'}`);
  return `${lines.join('\n')}\n`;
}

export function addSignatureCommands(program: Command, setExit: (code: number) => void): void {
  program
    .command('key')
    .description('signing keys')
    .command('generate')
    .description('write a cosign-compatible ECDSA P-256 key pair: PREFIX.key (encrypted with COSIGN_PASSWORD) and PREFIX.pub')
    .option('--output-key-prefix <prefix>', 'file name prefix', 'cosign')
    .option('--key-password-file <file>', 'read the key password from this file instead of COSIGN_PASSWORD')
    .action((flags: KeyFlags & { outputKeyPrefix: string }) => {
      const privatePath = `${flags.outputKeyPrefix}.key`;
      const publicPath = `${flags.outputKeyPrefix}.pub`;
      for (const path of [privatePath, publicPath]) if (existsSync(path)) throw new BulwarkError('USAGE', path, 'already exists; refusing to overwrite a key');
      const pair = generateCosignKeyPair(keyPassword(flags));
      writeFileSync(privatePath, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
      writeFileSync(publicPath, pair.publicKeyPem, { flag: 'wx' });
      process.stderr.write(`Private key written to ${privatePath}\nPublic key written to ${publicPath}\n`);
      setExit(EXIT_OK);
    });

  withRegistryFlags(
    program
      .command('sign')
      .argument('<image>', 'registry reference (tag or digest)')
      .description('sign an image in a registry with a cosign key (tag scheme <digest>.sig, or a Sigstore bundle with --bundle)')
      .requiredOption('--key <file>', 'cosign private key (ENCRYPTED SIGSTORE PRIVATE KEY)')
      .option('--key-password-file <file>', 'read the key password from this file instead of COSIGN_PASSWORD')
      .option('-a, --annotation <key=value...>', 'extra signed annotations (payload "optional" section)')
      .option('--bundle', 'attach a Sigstore bundle (DSSE in-toto statement, cosign v3 format) through the OCI referrers API instead'),
  ).action(async (image: string, flags: RegistryFlags & KeyFlags & { key: string; annotation?: string[]; signatureRepository?: string; bundle?: boolean }) => {
    const key = loadCosignPrivateKey(readKeyFile(flags.key), keyPassword(flags), flags.key);
    if (flags.bundle) {
      if (flags.annotation?.length || flags.signatureRepository || process.env.COSIGN_REPOSITORY) throw new BulwarkError('USAGE', '--bundle', 'bundles are attached next to the image and carry no annotations (drop -a / --signature-repository / COSIGN_REPOSITORY)');
      const client = connectRegistry(image, registryOptions(flags));
      const signed = await signWithBundle(client, key);
      process.stderr.write(`Signed ${client.ref.canonical} (${signed.manifestDigest}); bundle ${signed.bundleManifest} listed via ${signed.listedAt}\n`);
      setExit(EXIT_OK);
      return;
    }
    const annotations: Record<string, string> = {};
    for (const pair of flags.annotation ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new BulwarkError('USAGE', '--annotation', `'${pair}' is not key=value`);
      annotations[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const client = connectRegistry(image, registryOptions(flags));
    const signatures = signatureClient(flags) ?? client;
    const signed = await signWithCosignKey(client, key, annotations, signatures);
    process.stderr.write(`Signed ${client.ref.canonical} (${signed.manifestDigest}); signature pushed to ${signatures.ref.registry}/${signatures.ref.repository}:${signed.signatureTag}\n`);
    setExit(EXIT_OK);
  });

  withRegistryFlags(
    program
      .command('verify')
      .argument('<image>', 'registry reference (tag or digest)')
      .description('verify cosign signatures of an image: tag scheme and Sigstore bundles (referrers), keyed or keyless')
      .option('--key <file>', 'cosign public key (PEM)')
      .option('--trusted-root <file>', 'Sigstore trusted_root.json (Fulcio CAs, Rekor/CT log keys) for keyless bundles and log entries, used offline')
      .option('--certificate-identity <san>', 'keyless: the signer identity the certificate must carry (email or URI)')
      .option('--certificate-oidc-issuer <url>', 'keyless: the OIDC issuer the certificate must name')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table')),
  ).action(async (image: string, flags: RegistryFlags & VerifyFlags & { format: 'table' | 'json'; signatureRepository?: string }) => {
    const client = connectRegistry(image, registryOptions(flags));
    const result = await verifyImageSignatures(client, trustFrom(flags), signatureClient(flags) ?? client);
    process.stdout.write(flags.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderVerification(result));
    setExit(result.verified ? EXIT_OK : EXIT_UNSIGNED);
  });
}
