/**
 * The one place that drives tar-stream's entry callback: each entry goes to `visit`, which
 * reports whether it read the entry's data; unread data is drained before the next entry, and
 * entry-stream errors (re-reported by pipeline()) cannot crash the process.
 */
import { extract as tarExtract, type Extract, type Header } from 'tar-stream';

export type EntryVisitor = (header: Header, stream: AsyncIterable<unknown>) => Promise<boolean>;

export function tarEntries(visit: EntryVisitor): Extract {
  const extract = tarExtract();
  extract.on('entry', (header, stream, next) => {
    stream.on('error', () => undefined);
    visit(header, stream)
      .then((consumed) => {
        if (consumed) next();
        else {
          stream.on('end', () => next());
          stream.resume();
        }
      })
      .catch((err: unknown) => {
        stream.resume();
        next(err as Error);
      });
  });
  return extract;
}
