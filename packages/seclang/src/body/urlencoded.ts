/** `application/x-www-form-urlencoded` bodies: the same argument rules as the query string. */
import { Collection, parseArguments } from '../request/collections.js';
import { emptyBody, type BodyProcessor } from './body.js';

export const urlencodedBody: BodyProcessor = (body) => {
  const out = emptyBody();
  const c = new Collection();
  parseArguments(body, c);
  out.args = c.entries;
  return out;
};
