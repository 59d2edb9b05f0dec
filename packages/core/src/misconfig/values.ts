/**
 * Small helpers every configuration check shares: telling plain objects and lists apart in
 * parsed YAML, and recognising variable names that hold credentials (`DB_PASSWORD`,
 * `API_KEY`), while names that point at a file (`DB_PASSWORD_FILE`) do not count.
 */
export type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value as a list; a missing value is empty. */
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const SECRET_NAME = /(?:^|_)(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY|CREDENTIALS?)(?:$|_)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !/_(?:FILE|PATH|DIR)$/i.test(name);
}
