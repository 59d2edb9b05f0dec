/**
 * Public API of @bulwark/core: scan entry points, the cache, reporters and the model types.
 * Internals (walkers, analyzers, archive readers) are not exported.
 */
export { scanImage } from './scan/scan-image.js';
export { scanFs, scanRootfs } from './scan/scan-rootfs.js';
export { isCycloneDxJson, scanSbom } from './scan/scan-sbom.js';
export type { ScanOptions, ProgressEvent } from './scan/scan-options.js';
export { LayerCache, defaultCacheDir } from './cache/layer-cache.js';
export { analyzerFingerprint } from './analyze/registry.js';
export { DEFAULT_LIMITS, parseSize, type ScanLimits } from './util/limits.js';
export { BulwarkError, isBulwarkError, type ErrorCode } from './model/errors.js';
export type { Problem, ProblemLevel } from './model/problem.js';
export type { Package, OsInfo, LayerRef, Location, PackageType } from './model/package.js';
export type { ScanReport, LayerSummary, ImageMetadata } from './model/report.js';
export { hasErrors } from './model/report.js';
export { TOOL_VERSION } from './version.js';
export { REPORT_FORMATS, renderReport, type ReportFormat } from './report/registry.js';
export { AdvisoryStore } from './vuln/db/store.js';
export { readAdvisorySource } from './vuln/db/importers/read-source.js';
export type { VulnerabilityFinding, Severity, VulnStatus } from './model/finding.js';
export { readIgnoreFile, readVex } from './policy/policy-files.js';
export type { PolicyOptions, IgnoreRule, VexStatement } from './policy/suppression.js';
export { ContentScanner, DEFAULT_CONTENT_MAX_FILE_SIZE } from './content/content-scanner.js';
export type { ContentScanSettings } from './content/content-types.js';
export type { SecretFinding, MalwareFinding, LayerLifecycle } from './model/content-finding.js';
export type { ContentScanSummary } from './model/report.js';
export { scanConfigInputs, scanConfigPaths, type ConfigScanOptions, type ConfigInput } from './misconfig/scan-config.js';
export { CONFIG_TYPES } from './misconfig/detect-type.js';
export { looksLikeReference, parseReference, type ImageReference } from './registry/reference.js';
export { loadCustomChecks } from './misconfig/custom/custom-checks.js';
export type { MisconfigFinding, ConfigType } from './model/misconfig-finding.js';
export { updateDatabase } from './vuln/update/update-db.js';
export { feedsFromBases, readFeedsFile, UPSTREAM_FEEDS, type Feed } from './vuln/update/feeds.js';
export { connectRegistry, type RegistryOptions } from './registry/open-registry-image.js';
export { generateCosignKeyPair, loadCosignPrivateKey, loadPublicKey, type CosignKeyPair } from './signature/cosign-key.js';
export { signWithCosignKey, verifyCosignSignatures, signatureTag, type SignatureCheck, type VerificationResult } from './signature/cosign-signatures.js';
export { attachBundle, signWithBundle, imageStatement, signedBundle } from './signature/bundle-signing.js';
export { checkBundle, verifySigstoreBundles } from './signature/sigstore-bundles.js';
export { bundleTrust, type BundleTrust, type TrustOptions } from './signature/sigstore-trust.js';
export { verifyImageSignatures } from './signature/verify-image.js';
export { IMAGE_SOURCES, openNamedImage, type ImageSourceKind } from './engine/open-named-image.js';
