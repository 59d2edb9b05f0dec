/**
 * Path normalisation: repeated slashes, `.` and `..` segments removed (`..` never climbs above
 * the root of an absolute path), a trailing slash kept; the Windows variant reads `\` as `/`.
 */
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;
const TRAILING_SLASH = /\/(?:\.{1,2})?$/;

export function normalizePath(input: string): string {
  if (input === '') return '';
  // Nothing to collapse: no empty, `.` or `..` segment.
  if (!input.includes('//') && !DOT_SEGMENT.test(input)) return input;
  const absolute = input.startsWith('/');
  const trailing = TRAILING_SLASH.test(input) && input !== '/';
  const out: string[] = [];
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(segment);
  }
  const body = out.join('/');
  if (absolute) return `/${body}${trailing && body ? '/' : ''}`;
  return `${body}${trailing && body ? '/' : ''}`;
}

export const normalizePathWin = (input: string): string => normalizePath(input.replaceAll('\\', '/'));
