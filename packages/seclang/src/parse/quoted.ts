/**
 * Reads a quoted string starting at `text[start]` (the opening quote): a backslash before the
 * quote character stands for the quote; every other character, backslashes included, is kept.
 */
export function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\' && text[i + 1] === quote) {
      value += quote;
      i += 2;
    } else if (c === quote) {
      return { value, end: i + 1 };
    } else {
      value += c;
      i++;
    }
  }
  return undefined;
}
