/** `application/x-www-form-urlencoded` bodies: the same argument rules as the query string. */
import { parseArguments } from '../request/collections.js';
import { emptyBody, type BodyProcessor } from './body.js';

export const urlencodedBody: BodyProcessor = (body) => {
  const out = emptyBody();
  parseArguments(body, { add: (key, value) => out.args.push({ key, value }) });
  return out;
};
