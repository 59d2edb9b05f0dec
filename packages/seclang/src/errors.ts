/**
 * The one error type of the SecLang package: names the file and line and what is wrong there.
 */
export class SecLangError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'SecLangError';
  }
}
