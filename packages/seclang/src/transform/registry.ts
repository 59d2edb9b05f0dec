/**
 * Every transformation by its SecLang name (lower-case, as the parser stores `t:` names).
 * Adding one = a function in its family's module + one line here. `none` is not a function:
 * the engine treats it as "forget the transformations so far".
 */
import { base64Decode, cssDecode, escapeSeqDecode, hexDecode, htmlEntityDecode, jsDecode, urlDecode, urlDecodeUni } from './decode.js';
import { base64Encode, hexEncode, length, md5, sha1, utf8toUnicode } from './encode.js';
import { normalizePath, normalizePathWin } from './path.js';
import { cmdLine, compressWhitespace, lowercase, removeCommentsChar, removeNulls, removeWhitespace, replaceComments, replaceNulls, trim, trimLeft, trimRight, uppercase } from './text.js';

export type Transformation = (input: string) => string;

export const TRANSFORMATIONS: Readonly<Record<string, Transformation>> = {
  base64decode: base64Decode,
  base64encode: base64Encode,
  cmdline: cmdLine,
  compresswhitespace: compressWhitespace,
  cssdecode: cssDecode,
  escapeseqdecode: escapeSeqDecode,
  hexdecode: hexDecode,
  hexencode: hexEncode,
  htmlentitydecode: htmlEntityDecode,
  jsdecode: jsDecode,
  length,
  lowercase,
  md5,
  normalisepath: normalizePath,
  normalizepath: normalizePath,
  normalisepathwin: normalizePathWin,
  normalizepathwin: normalizePathWin,
  removecommentschar: removeCommentsChar,
  removenulls: removeNulls,
  removewhitespace: removeWhitespace,
  replacecomments: replaceComments,
  replacenulls: replaceNulls,
  sha1,
  trim,
  trimleft: trimLeft,
  trimright: trimRight,
  uppercase,
  urldecode: urlDecode,
  urldecodeuni: urlDecodeUni,
  utf8tounicode: utf8toUnicode,
};

/** Applies a rule's `t:` list (names the parser checked): `none` clears what came before. */
export function applyTransformations(input: string, names: readonly string[]): string {
  const start = names.lastIndexOf('none') + 1;
  let value = input;
  for (const name of names.slice(start)) {
    const fn = TRANSFORMATIONS[name];
    if (!fn) throw new TypeError(`unknown transformation t:${name}`);
    value = fn(value);
  }
  return value;
}
