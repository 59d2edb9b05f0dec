/**
 * Credentials without a vendor prefix: JWTs, JSON Web Keys, URIs with passwords (databases,
 * brokers, mail), `curl -u`, SQL `IDENTIFIED BY`/`PASSWORD`, command-line password flags,
 * PowerShell secure strings, Authorization headers, OTP seeds, and `password = …` style
 * assignments gated by length, entropy and placeholder checks.
 */
import RE2 from 're2';
import { prefixed, shannonEntropy, type DetectedSecret, type SecretRule } from '../rule.js';
import { isBasicCredential } from './registries.js';

/** Values that stand for a secret instead of being one. */
export const PLACEHOLDER_VALUES: readonly string[] = [
  '^(?:\\$|%\\(|%[sd]|\\{\\{|\\{%|<|#\\{|@\\{|&lt;|\\[\\[)',
  '(?i)^(?:password|passwd|pass|pwd|secret|token|changeme|change_me|example|sample|dummy|placeholder|redacted|hidden|none|null|nil|undefined|true|false|string|str|required|optional|empty|default|test|testing|xxx+|\\*+|\\.+|-+|_+|0+|1234|12345|123456|\\?+)$',
  '(?i)(?:xxxx|\\*\\*\\*\\*|example|your[_-]|_here|placeholder|redacted|\\.\\.\\.|<[a-z_-]+>|\\$\\{)',
  // Encrypted or indirect values: Jasypt ENC(…), Spring {cipher}, Vault and secret-manager references.
  '^(?:ENC\\(|\\{cipher\\}|vault:|arn:aws:secretsmanager|projects/[^/]+/secrets/)',
  // A value that is itself a secret word ("my-client-password"), not a secret.
  '(?i)(?:^|[-_.])(?:password|passwd|secret|token)s?$',
];

const DB_SCHEMES = 'postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|cockroachdb|clickhouse|neo4j(?:\\+s)?|couchdb|cassandra|jdbc:[a-z0-9]{2,20}';

function jwtHeaderOk(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'));
  try {
    const json = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    return typeof json === 'object' && json !== null && typeof (json as Record<string, unknown>).alg === 'string' && (json as Record<string, unknown>).alg !== 'none';
  } catch {
    return false;
  }
}

// ----- generic key = value assignments -----

const PASSWORD_SPELLINGS = ['password', 'passwords', 'passwd', 'passphrase', 'pwd', 'pw', 'pass', 'pswd', 'psswd', 'pswrd', 'psword', 'psswrd', 'pssword', 'paswd', 'paswrd', 'pasword'];
const SECRET_WORDS = [...PASSWORD_SPELLINGS, 'secret', 'token', 'apikey', 'api_key', 'api-key', 'access_key', 'accesskey', 'private_key', 'privatekey', 'client_secret', 'credential', 'credentials', 'auth_key', 'authkey', 'salt', 'nonce'];
const PASSWORD_WORDS = new Set(PASSWORD_SPELLINGS);
/** Words that also count at the end of a run-together identifier ("dbpassword", "accesstoken"). */
const SUFFIX_WORDS = ['password', 'passwd', 'secret', 'token'];
/** Identifier parts after the secret word that make it metadata, not a secret. */
const METADATA_SUFFIX = /^(?:hash|hashed|length|len|min|max|minlength|maxlength|policy|policies|field|fields|type|file|path|dir|url|uri|name|id|ids|expires?|expiry|expiration|ttl|timeout|regex|pattern|rule|rules|prompt|label|hint|reset|required|valid|validation|validator|enabled|enable|disabled|mode|format|strength|encoder|encoding|header|param|key_id|env|var|variable|ref|kind|count|store|manager|provider|endpoint|location|source|mask)$/i;
const KEY_WORDS = 'p(?:a?s{1,2})?w(?:o?r)?ds?|pass(?:phrase)?|pw|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth[_-]?key|salt|nonce';
const VALUE = '(?:[bru]{0,2}"([^"\\r\\n]{1,200})"|[bru]{0,2}\'([^\'\\r\\n]{1,200})\'|`([^`\\r\\n]{1,200})`|([^\\s"\'`,;)(\\][{}<>&]{1,200}))';
const ASSIGNMENT = new RE2(
  [
    '(?i)(?:^|[^A-Za-z0-9_])',
    // C/RPM macro and shell `set` forms: `#define PASSWORD "…"`
    '(?:(?:#define|%define|%global|set)[ \\t]+)?',
    // the key: an identifier holding a secret word, optionally "secret key", "access token"…
    `([A-Za-z0-9_.-]{0,40}?(?:${KEY_WORDS})[A-Za-z0-9_.-]{0,30}(?:[ \\t](?:key|token|code|phrase))?)`,
    '["\'\\]]?',
    // an optional type annotation (`val password: String =`, `passwd: str =`)
    '(?:[ \\t]{0,3}:[ \\t]{0,3}[A-Za-z_][A-Za-z0-9_.\\[\\]]{0,30}[ \\t]{0,3}(?:=|:=))?',
    // the operator: assignment, mapping or comparison; a bare space only before a quoted value
    '[ \\t]{0,3}(:=|=>|!==|===|!=|==|=|:|[ \\t])[ \\t]{0,3}',
    VALUE,
  ].join(''),
  'g',
);

/** The secret word inside an identifier, on word boundaries (snake, kebab, dotted or camel case). */
function secretWordIn(key: string): { word: string; rest: string } | undefined {
  const parts = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.\s-]+/)
    .filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i] as string;
    const joined = i + 1 < parts.length ? `${part}_${parts[i + 1]}` : '';
    for (const word of [joined, part]) {
      if (word && SECRET_WORDS.includes(word)) {
        const restIndex = word === joined ? i + 2 : i + 1;
        return { word: word.replace(/_/g, ''), rest: parts.slice(restIndex).join('_') };
      }
    }
    const suffix = SUFFIX_WORDS.find((w) => part.length > w.length + 1 && part.endsWith(w));
    if (suffix) return { word: suffix, rest: parts.slice(i + 1).join('_') };
  }
  return undefined;
}

const REFERENCE = /^(?:[A-Za-z_][A-Za-z0-9_]*\.)+[A-Za-z_][A-Za-z0-9_]*$|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^(?:self|this|os|env|process|config|settings|params|request|args|options)\b/;
const placeholders = PLACEHOLDER_VALUES.map((p) => new RE2(p));

export function isPlaceholder(value: string): boolean {
  return placeholders.some((p) => p.test(value));
}

function findAssignments(text: string, from: number, to: number): DetectedSecret[] {
  // SealedSecret manifests hold ciphertext meant to be committed.
  if (text.includes('kind: SealedSecret')) return [];
  const out: DetectedSecret[] = [];
  const window = text.slice(from, to);
  ASSIGNMENT.lastIndex = 0;
  for (let m = ASSIGNMENT.exec(window); m; m = ASSIGNMENT.exec(window)) {
    const key = m[1] ?? '';
    const operator = m[2] ?? '';
    const quoted = m[3] ?? m[4] ?? m[5];
    const value = (quoted ?? m[6] ?? '').trim();
    const found = secretWordIn(key);
    if (!found || METADATA_SUFFIX.test(found.rest)) continue;
    // Comparisons and bare-space separators count only against a quoted literal.
    if (quoted === undefined && (operator.includes('==') || operator.includes('!') || operator.trim() === '')) continue;
    if (isPlaceholder(value)) continue;
    if (quoted === undefined && REFERENCE.test(value)) continue;
    // An unquoted value with '/' and characters outside base64 reads as a path
    // ("secret: /run/secrets/db") or a "user/password" pair in prose, not as one secret.
    if (quoted === undefined && value.includes('/') && /[^A-Za-z0-9+/=_-]/.test(value)) continue;
    if (/^(?:0x[0-9a-f]+|[0-9]+)$/i.test(value)) continue;
    const password = PASSWORD_WORDS.has(found.word);
    const entropy = shannonEntropy(value);
    if (password ? value.length < 6 || entropy < 2.3 : value.length < 10 || entropy < 3.0) continue;
    const start = from + m.index + m[0].length - value.length - (quoted !== undefined ? 1 : 0);
    out.push({ start, end: start + value.length, secret: value, title: password ? 'Password assignment' : `Hard-coded ${found.word.replace('apikey', 'API key').replace('accesskey', 'access key').replace('privatekey', 'private key').replace('clientsecret', 'client secret').replace('authkey', 'auth key')}` });
  }
  return out;
}

export const GENERIC_RULES: readonly SecretRule[] = [
  prefixed('jwt', 'Generic', 'JSON Web Token', 'MEDIUM', ['eyj'], '\\b(eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,})', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCv', {
    verify: jwtHeaderOk,
    allowValues: ['EXAMPLE'],
  }),
  prefixed('jwk-private', 'Generic', 'JSON Web Key with private part', 'HIGH', ['"kty"', "'kty'", 'kty:'], '(?s)["\']?kty["\']?\\s{0,3}:.{0,1000}?["\'][dk]["\']\\s{0,3}:\\s{0,3}["\']([A-Za-z0-9_-]{20,})["\']', '{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","d":"jpsQnnGQmL-YBIffH1136cLo2VnMhuX9pEpmD2PFGQI"}', {
    multiline: true,
    reportMatch: true,
  }),
  prefixed('database-uri-credentials', 'Generic', 'Database or broker URI with a password', 'HIGH', ['://'], `(?i)\\b(?:${DB_SCHEMES})://[^\\s:/'"<>{}]{1,64}:([^\\s@/'"<>]{3,128})@[A-Za-z0-9.\\[_-]`, 'DATABASE_URL=postgres://app:Zx9-vQ2mLp7w@db.internal:5432/app', {
    allowValues: PLACEHOLDER_VALUES,
  }),
  prefixed('url-credentials', 'Generic', 'URL with embedded password', 'MEDIUM', ['://'], "(?i)\\b[a-z][a-z0-9+.-]{1,20}://[^\\s:/'\"<>{}]{1,64}:([^\\s@/'\"<>]{3,128})@[A-Za-z0-9.\\[_-]", 'git clone https://ci-bot:Zx9vQ2mLp7wK@git.corp.example/app.git', {
    allowValues: PLACEHOLDER_VALUES,
    generic: true,
  }),
  prefixed('curl-user-password', 'Generic', 'Password passed to curl -u', 'HIGH', ['curl'], '(?i)\\bcurl\\b[^\\n]{0,200}?\\s(?:-u|--user)\\s{1,3}["\']?[^\\s"\':]{1,64}:([^\\s"\']{3,128})', 'curl -s -u deploy:Zx9vQ2mLp7wK https://repo.corp.example/upload', {
    allowValues: PLACEHOLDER_VALUES,
  }),
  prefixed('sql-password', 'Generic', 'Password in SQL user statement', 'HIGH', ['identified', 'password'], '(?i)(?:\\bidentified\\s{1,5}(?:with\\s{1,5}\\w{1,40}\\s{1,5})?by\\s{1,5}(?:password\\s{1,5})?|\\b(?:create|alter)\\s{1,5}(?:user|role|login)\\b[^\\n;]{0,120}?\\bpassword\\s{0,3}=?\\s{0,3})["\'`]?([^\\s"\'`;)]{3,128})', "CREATE USER app WITH PASSWORD 'Zx9vQ2mLp7wK';", {
    allowValues: [...PLACEHOLDER_VALUES, '(?i)^(?:expire|history|reuse|require|lock|unlock|default|null|valid|encrypted|unencrypted|none|optional|random|identified|by|with)$'],
  }),
  prefixed('cli-password-flag', 'Generic', 'Password or token on a command line', 'HIGH', ['-pass', '-pwd', '-secret', '-token', 'mysql', '-oauth2-bearer'], '(?i)(?:(?:^|[\\s"\'])--?(?:[a-z0-9-]{0,20}(?:password|passwd|passphrase|secret|token)(?:[_-][a-z]{1,10})?|pass|pwd|oauth2-bearer)(?:=|\\s{1,3})|\\bmysql(?:dump|admin)?\\b[^\\n]{0,100}?\\s-p)["\']?([^\\s"\'$<{*-][^\\s"\']{5,127})', 'mysql -u root -pZx9vQ2mLp7wK -h db', {
    allowValues: PLACEHOLDER_VALUES,
  }),
  prefixed('powershell-securestring', 'Generic', 'Plain-text password in ConvertTo-SecureString', 'HIGH', ['convertto-securestring'], '(?i)ConvertTo-SecureString\\s{1,5}(?:-(?:String|Force|AsPlainText)\\s{1,5}){0,3}\\\\?["\']?([^"\'\\s\\\\$-][^"\'\\s\\\\]{5,127})', '$p = ConvertTo-SecureString "Zx9vQ2mLp7wK" -AsPlainText -Force', {
    allowValues: PLACEHOLDER_VALUES,
  }),
  prefixed('curl-option-credential', 'Generic', 'Credential passed to libcurl options', 'HIGH', ['curlopt_'], '\\bCURLOPT_(?:PASSWORD|USERPWD|PROXYPASSWORD|PROXYUSERPWD|KEYPASSWD|XOAUTH2_BEARER|TLSAUTH_PASSWORD)\\s{0,3},\\s{0,3}"([^"\\n]{4,200})"', 'curl_easy_setopt(curl, CURLOPT_USERPWD, "deploy:Zx9vQ2mLp7wK");', {
    allowValues: PLACEHOLDER_VALUES,
  }),
  prefixed('ntlm-auth-message', 'Generic', 'NTLM authenticate message (carries a password hash)', 'MEDIUM', ['tlrmtvntuaad'], '\\b(TlRMTVNTUAADAAAA[A-Za-z0-9+/]{40,}={0,2})', 'Authorization: NTLM TlRMTVNTUAADAAAAGAAYAFYAAAAYABgAbgAAAAAAAABIAAAADgAOAEgAAAAAAAAAVgAAAAAAAACG', { allowRuns: true }),
  prefixed('http-basic-auth', 'Generic', 'HTTP Basic credentials', 'HIGH', ['basic '], '(?i)\\bbasic\\s{1,3}([A-Za-z0-9+/]{12,}={0,2})(?:[^A-Za-z0-9+/=]|$)', 'Authorization: Basic ZGVwbG95Olp4OXZRMm1McDd3Sw==', {
    verify: isBasicCredential,
  }),
  prefixed('http-bearer-token', 'Generic', 'HTTP Bearer token', 'MEDIUM', ['bearer'], '(?i)\\bbearer\\s{1,3}([A-Za-z0-9_.~+/-]{20,}={0,2})', 'Authorization: Bearer Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCv', {
    entropy: 3.5,
    allowValues: PLACEHOLDER_VALUES,
    generic: true,
  }),
  prefixed('otp-secret', 'Generic', 'One-time-password seed', 'HIGH', ['otpauth://'], '(?i)otpauth://[th]otp/[^\\s"\'?]{0,100}\\?[^\\s"\']{0,200}?secret=([A-Z2-7]{16,})', 'otpauth://totp/Corp:me?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Corp'),
  {
    id: 'generic-secret-assignment',
    category: 'Generic',
    title: 'Hard-coded secret',
    severity: 'MEDIUM',
    keywords: ['pass', 'pwd', 'pw', 'secret', 'token', 'api_key', 'apikey', 'api-key', 'access_key', 'accesskey', 'access-key', 'private_key', 'privatekey', 'private-key', 'auth_key', 'authkey', 'auth-key', 'credential', 'salt', 'nonce'],
    detect: findAssignments,
    generic: true,
    // Documentation shows `password: …` samples; real credentials there have a vendor shape.
    allowPaths: ['(?i)\\.(?:md|markdown|rst|adoc|asciidoc)$', '(?i)(?:^|/)(?:docs?|examples?|samples?)/'],
    example: 'db_password = "Zx9vQ2mLp7wK"',
  },
];
