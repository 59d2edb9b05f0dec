/**
 * The Simple Signing payload cosign signs: `critical.identity.docker-reference`,
 * `critical.image.docker-manifest-digest`, `critical.type`, and free-form `optional`.
 * Parsing is strict about the fields a verifier relies on.
 */
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

export interface SimpleSigningPayload {
  dockerReference: string;
  manifestDigest: string;
  optional: Record<string, unknown> | null;
}

export function buildPayload(dockerReference: string, manifestDigest: string, optional: Record<string, unknown> | null = null): Buffer {
  return Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': manifestDigest }, type: COSIGN_SIGNATURE_TYPE }, optional }));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The payload's fields, or the reason it is not a cosign Simple Signing payload. */
export function parsePayload(bytes: Buffer): SimpleSigningPayload | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { error: 'payload is not JSON' };
  }
  if (!isObject(json) || !isObject(json.critical)) return { error: 'payload has no critical section' };
  const { identity, image, type } = json.critical;
  if (type !== COSIGN_SIGNATURE_TYPE) return { error: `payload type is ${JSON.stringify(type)}, not "${COSIGN_SIGNATURE_TYPE}"` };
  if (!isObject(image) || typeof image['docker-manifest-digest'] !== 'string') return { error: 'payload names no manifest digest' };
  const reference = isObject(identity) && typeof identity['docker-reference'] === 'string' ? identity['docker-reference'] : '';
  return { dockerReference: reference, manifestDigest: image['docker-manifest-digest'], optional: isObject(json.optional) ? json.optional : null };
}
