/**
 * The `bulwark` command line: declares the commands and maps every failure to one clear
 * line on stderr and exit code 2 — never a stack trace for bad input.
 */
import { Command, CommanderError } from 'commander';
import { isBulwarkError, TOOL_VERSION } from '@bulwark/core';
import { addDbCommands } from './commands/db-command.js';
import { addConfigCommand } from './commands/config-command.js';
import { addSignatureCommands } from './commands/signature-command.js';
import { addWafCommands } from './commands/waf-command.js';
import { addScanOptions, runScan, type ScanFlags } from './commands/scan-command.js';
import { EXIT_INPUT_ERROR, EXIT_INTERNAL, exitCodeFor } from './exit-codes.js';

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  // `bulwark … | head` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(exitCode);
    throw err;
  });
  const program = new Command('bulwark')
    .description('Container security: image inventory, SBOMs, vulnerabilities, secrets, malware, misconfiguration, registries and signatures')
    .version(TOOL_VERSION)
    .exitOverride()
    // Options after a subcommand belong to it (`waf test --rules` vs `waf --rules`).
    .enablePositionalOptions()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const scan = (mode: 'image' | 'rootfs' | 'fs' | 'sbom') => async (target: string, flags: ScanFlags): Promise<void> => {
    exitCode = await runScan(mode, target, flags);
  };
  addScanOptions(program.command('image').argument('<target>', 'docker-archive or OCI archive file, OCI layout directory, or an image name (engine or registry)').description('scan a container image (archive, OCI layout, local engine or registry)'), 'image').action(scan('image'));
  addScanOptions(program.command('rootfs').argument('<dir>', 'unpacked root filesystem').description('scan an unpacked root filesystem'), 'rootfs').action(scan('rootfs'));
  addScanOptions(program.command('fs').argument('<dir>', 'project directory').description('scan a project checkout: lockfiles, manifests and installed packages'), 'fs').action(scan('fs'));
  addScanOptions(program.command('sbom').argument('<target>', 'image archive, OCI layout or root filesystem directory').description('write an SBOM (CycloneDX by default) for an image or root filesystem'), 'sbom').action(scan('sbom'));

  addConfigCommand(program, (code) => {
    exitCode = code;
  });
  addDbCommands(program, (code) => {
    exitCode = code;
  });
  addSignatureCommands(program, (code) => {
    exitCode = code;
  });
  addWafCommands(program, (code) => {
    exitCode = code;
  });

  try {
    await program.parseAsync(argv as string[]);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : EXIT_INPUT_ERROR;
    }
    if (isBulwarkError(err)) {
      process.stderr.write(`bulwark: ${err.message}\n`);
      return exitCodeFor(err.code);
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`bulwark: internal error: ${message}\n`);
    if (process.env.BULWARK_DEBUG) process.stderr.write(`${err instanceof Error ? err.stack : ''}\n`);
    return EXIT_INTERNAL;
  }
}
