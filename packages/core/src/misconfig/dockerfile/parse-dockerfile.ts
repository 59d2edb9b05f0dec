/**
 * Turns a Dockerfile (BuildKit heredocs included) into the plain model the checks read:
 * stages with their base image, and instructions with keyword, arguments, flags, JSON form
 * and 1-based lines. Parsing is `dockerfile-ast`'s; this module only flattens it.
 */
import { DockerfileParser } from 'dockerfile-ast';

export interface DfInstruction {
  keyword: string;
  /** Arguments as written, continuations joined; heredoc bodies included for RUN. */
  args: string;
  argv: string[];
  flags: Map<string, string | undefined>;
  /** Exec form (`["a", "b"]`) for RUN/CMD/ENTRYPOINT/SHELL. */
  json: boolean;
  line: number;
  endLine: number;
  stage: number;
}

export interface DfStage {
  index: number;
  name?: string;
  image: string;
  tag?: string;
  digest?: string;
  /** FROM refers to an earlier stage by name. */
  fromStage: boolean;
  line: number;
  instructions: DfInstruction[];
}

export interface Dockerfile {
  path: string;
  stages: DfStage[];
  instructions: DfInstruction[];
  /** `# comment` lines by 1-based line number (suppressions read these). */
  comments: Map<number, string>;
}

export function parseDockerfile(text: string, path: string): Dockerfile {
  const df = DockerfileParser.parse(text);
  const stages: DfStage[] = [];
  const instructions: DfInstruction[] = [];
  const lines = text.split('\n');
  const comments = new Map<number, string>();
  lines.forEach((l, i) => {
    if (/^\s*#/.test(l)) comments.set(i + 1, l.trim());
  });
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword().toUpperCase();
    const range = ins.getRange();
    if (keyword === 'FROM') {
      const from = df.getFROMs().find((f) => f.getRange().start.line === range.start.line);
      const registry = from?.getRegistry();
      const image = from?.getImageName() ? `${registry ? `${registry}/` : ''}${from.getImageName() ?? ''}` : (ins.getArguments()[0]?.getValue() ?? '');
      const stage: DfStage = { index: stages.length, image, fromStage: stages.some((s) => s.name !== undefined && s.name === image.toLowerCase()), line: range.start.line + 1, instructions: [] };
      const name = from?.getBuildStage();
      if (name) stage.name = name.toLowerCase();
      const tag = from?.getImageTag();
      if (tag) stage.tag = tag;
      const digest = from?.getImageDigest();
      if (digest) stage.digest = digest;
      stages.push(stage);
    }
    const flags = new Map<string, string | undefined>();
    const withFlags = ins as unknown as { getFlags?: () => { getName(): string; getValue(): string | null }[] };
    for (const f of withFlags.getFlags?.() ?? []) flags.set(f.getName().toLowerCase(), f.getValue() ?? undefined);
    const raw = ins.getRawArgumentsContent() ?? '';
    // With heredocs the raw arguments already hold the bodies, line by line, as the shell sees them.
    const heredocs = (ins as unknown as { getHeredocs?: () => unknown[] }).getHeredocs?.() ?? [];
    const args = heredocs.length > 0 ? raw : raw.replace(/\\\r?\n/g, ' ');
    const entry: DfInstruction = {
      keyword,
      args: args.replace(/^(?:--[a-z-]+(?:=\S*)?\s+)+/i, ''),
      argv: ins.getArguments().map((a) => a.getValue()),
      flags,
      json: /^\s*\[/.test(raw.replace(/^(?:--[a-z-]+(?:=\S*)?\s+)+/i, '')),
      line: range.start.line + 1,
      endLine: range.end.line + 1,
      stage: Math.max(0, stages.length - 1),
    };
    instructions.push(entry);
    stages[stages.length - 1]?.instructions.push(entry);
  }
  return { path, stages, instructions, comments };
}
