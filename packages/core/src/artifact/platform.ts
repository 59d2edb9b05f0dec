/**
 * Platform strings (`linux/amd64`, `linux/arm64/v8`) and matching them against manifest
 * descriptors and image configs, with the usual normalisation (aarch64 = arm64, x86_64 = amd64,
 * arm64 variant v8 is the default).
 */
import type { Platform } from './image-source.js';

export const DEFAULT_PLATFORM = 'linux/amd64';

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', 'x86-64': 'amd64' };

export function parsePlatform(text: string): Platform | undefined {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) return undefined;
  const [os, arch, variant] = parts as [string, string, string | undefined];
  const platform: Platform = { os: os.toLowerCase(), architecture: normalizeArch(arch) };
  if (variant) platform.variant = variant.toLowerCase();
  return platform;
}

export function normalizeArch(arch: string): string {
  const lower = arch.toLowerCase();
  return ARCH_ALIASES[lower] ?? lower;
}

function normalizedVariant(p: Platform): string | undefined {
  if (p.architecture === 'arm64' && (p.variant === undefined || p.variant === 'v8')) return undefined;
  return p.variant;
}

export function platformMatches(want: Platform, have: Partial<Platform> | undefined): boolean {
  if (!have?.os || !have.architecture) return false;
  if (have.os.toLowerCase() !== want.os) return false;
  if (normalizeArch(have.architecture) !== want.architecture) return false;
  const wantVariant = normalizedVariant(want);
  if (wantVariant === undefined) return true;
  return normalizedVariant({ os: have.os, architecture: normalizeArch(have.architecture), variant: have.variant }) === wantVariant;
}

export function formatPlatform(p: Partial<Platform> | undefined): string {
  if (!p?.os || !p.architecture) return 'unknown';
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
