/**
 * Package and image registries: npm, PyPI, RubyGems, NuGet, Clojars, crates.io, Docker Hub,
 * Docker `config.json` auths, Maven `settings.xml` and Docker Swarm join/unlock tokens.
 */
import { prefixed, type SecretRule } from '../rule.js';

/** A base64 `user:password` pair (Docker auths, HTTP Basic). */
export function isBasicCredential(value: string): boolean {
  if (value.length < 8 || value.length % 4 === 1) return false;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  return colon > 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded);
}

const NOT_A_REFERENCE = '^(?:\\$|%\\(|\\{\\{|<)';

export const REGISTRY_RULES: readonly SecretRule[] = [
  prefixed('npm-access-token', 'npm', 'npm access token', 'CRITICAL', ['npm_'], '\\b(npm_[A-Za-z0-9]{36})\\b', '//registry.npmjs.org/:_authToken=npm_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1'),
  prefixed('npmrc-auth-token', 'npm', 'Registry auth token in .npmrc', 'HIGH', ['_authtoken'], '(?i)_authToken\\s{0,3}=\\s{0,3}["\']?([^\\s"\']{10,})', '//npm.corp.example:8443/:_authToken=7d3a9c1e-4f2b-8e61-b5c3-a9d04e7f1c28', {
    allowValues: [NOT_A_REFERENCE],
    generic: true,
  }),
  prefixed('npmrc-auth', 'npm', 'Registry credentials in .npmrc', 'HIGH', ['_auth', '_password'], '(?i)(?:^|:|\\s)_(?:auth|password)\\s{0,3}=\\s{0,3}["\']?([A-Za-z0-9+/]{8,}={0,2})(?:["\'\\s]|$)', '_auth = dXNlcjpodW50ZXIyMjIy', {
    allowValues: [NOT_A_REFERENCE],
  }),
  prefixed('pypi-token', 'PyPI', 'PyPI upload token', 'CRITICAL', ['pypi-ageichlwas5vcmc'], '\\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})', 'password = pypi-AgEIcHlwaS5vcmcCJDQ3ZjlkNjJlLTdlNGEtNGE2Mi1iZjMwLWE0ZTUzMGNkNmU2NAACKlsz'),
  prefixed('rubygems-api-key', 'RubyGems', 'RubyGems API key', 'HIGH', ['rubygems_'], '\\b(rubygems_[a-f0-9]{48})\\b', ':rubygems_api_key: rubygems_1f2e3d4c5b6a79880f1e2d3c4b5a69780f1e2d3c4b5a6978'),
  prefixed('nuget-api-key', 'NuGet', 'NuGet API key', 'HIGH', ['oy2'], '\\b(oy2[a-z0-9]{43})\\b', 'nuget push -k oy2qwertyuiopasdfghjklzxcvbnm7305194862qmzkdhw'),
  prefixed('clojars-token', 'Clojars', 'Clojars deploy token', 'HIGH', ['clojars_'], '(?i)\\b(CLOJARS_[a-z0-9]{60})\\b', `password "CLOJARS_${'1f2e3d4c5b6a7988'.repeat(4).slice(0, 60)}"`),
  prefixed('crates-io-token', 'crates.io', 'crates.io API token', 'HIGH', ['cio'], '\\b(cio[A-Za-z0-9]{32})\\b', 'token = "cioQw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCv"'),
  prefixed('dockerhub-token', 'Docker', 'Docker Hub access token', 'HIGH', ['dckr_pat_', 'dckr_oat_'], '\\b(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,})', 'docker login -u me -p dckr_pat_Qw8eR7tY6uI5oP4aS3dF2gH1jK0'),
  prefixed('docker-config-auth', 'Docker', 'Registry credentials in Docker config.json', 'HIGH', ['"auth"'], '"auth"\\s{0,3}:\\s{0,3}"([A-Za-z0-9+/]{8,}={0,2})"', '{"auths":{"registry.example.com":{"auth":"dXNlcjpodW50ZXIyMjIy"}}}', {
    verify: isBasicCredential,
  }),
  prefixed('docker-swarm-join-token', 'Docker', 'Docker Swarm join token', 'HIGH', ['swmtkn-'], '\\b(SWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25})\\b', 'docker swarm join --token SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx 10.0.0.1:2377'),
  prefixed('docker-swarm-unlock-key', 'Docker', 'Docker Swarm unlock key', 'HIGH', ['swmkey-'], '\\b(SWMKEY-1-[A-Za-z0-9+/]{43})', 'SWMKEY-1-7c37Cc8654o6p38HnroywCi19pllOnGtbdZEgtKxZu8'),
  prefixed('xml-password-element', 'Generic', 'Password in an XML element (Maven settings.xml, Tomcat users…)', 'HIGH', ['<password'], '<password(?:\\s[^>]{0,100})?>\\s{0,3}([^<\\s]{4,})\\s{0,3}</password>', '<server><id>corp</id><username>ci</username><password>s3cr3t-Pa55</password></server>', {
    allowValues: ['^\\$\\{', '^\\{[A-Za-z0-9+/=]+\\}$'],
  }),
];
