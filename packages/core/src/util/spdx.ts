/** Whether a licence string is a valid SPDX licence expression (spdx-expression-parse). */
import parseSpdx from 'spdx-expression-parse';

export function isSpdxExpression(text: string): boolean {
  try {
    parseSpdx(text);
    return true;
  } catch {
    return false;
  }
}
