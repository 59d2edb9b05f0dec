/** Python versions (PEP 440: epochs, pre/post/dev releases, local versions) via @renovatebot/pep440. */
import { compare, valid } from '@renovatebot/pep440';
import { sign, type VersionScheme } from './scheme.js';

export const pep440Scheme: VersionScheme = {
  name: 'pep440',
  valid: (v) => valid(v.trim()) !== null,
  compare(a, b) {
    if (valid(a) === null || valid(b) === null) return sign(a.localeCompare(b));
    return sign(compare(a, b));
  },
};
