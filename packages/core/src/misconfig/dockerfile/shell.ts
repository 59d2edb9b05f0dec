/**
 * A small, linear shell splitter for RUN lines: breaks a command string into simple
 * commands at `&&`, `||`, `;`, `|` and newlines (outside quotes), each with its words and
 * whether its output is piped into the next. Enough to reason about `apt-get install`,
 * `curl … | sh` or `cd`; not a full shell parser (no expansions, no subshell structure).
 */

export interface SimpleCommand {
  words: string[];
  /** This command's stdout feeds the next one (`a | b`). */
  pipesInto: boolean;
  /** The text of the command as written. */
  text: string;
}

export function splitCommands(script: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  let start = 0;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (i: number, pipes: boolean): void => {
    endWord();
    if (words.length > 0) out.push({ words, pipesInto: pipes, text: script.slice(start, i).trim() });
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < script.length) word += script[++i];
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
      continue;
    }
    if (c === '\\' && script[i + 1] === '\n') {
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < script.length) {
      word += script[++i];
      inWord = true;
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      endCommand(i, false);
      i++;
      start = i + 1;
      continue;
    }
    if (c === ';' || c === '\n' || c === '|' || c === '&' || c === '(' || c === ')' || c === '{' || c === '}') {
      if ((c === '{' || c === '}') && inWord) {
        word += c;
        continue;
      }
      endCommand(i, c === '|');
      start = i + 1;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      continue;
    }
    word += c;
    inWord = true;
  }
  endCommand(script.length, false);
  return out;
}

/** The command name after `sudo`, `env VAR=x`, `nice`, `time`, and `VAR=x` prefixes. */
export function commandName(cmd: SimpleCommand): { name: string; args: string[] } {
  let i = 0;
  const w = cmd.words;
  while (i < w.length) {
    const word = w[i] as string;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || ['sudo', 'env', 'nice', 'time', 'exec', 'command', 'xargs'].includes(word)) i++;
    else if (word.startsWith('-') && i > 0) i++;
    else break;
  }
  const name = (w[i] ?? '').replace(/^.*\//, '');
  return { name, args: w.slice(i + 1) };
}
