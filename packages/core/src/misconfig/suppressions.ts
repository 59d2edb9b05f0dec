/**
 * Inline suppressions in configuration files: `# bulwark:ignore[check-id,other-id] reason`
 * on the finding's line or on the comment line(s) just above it, and
 * `# bulwark:ignore-file[check-id] reason` anywhere for findings about the whole file.
 * The reason is kept with the suppressed finding.
 */
const MARKER = /#\s*bulwark:ignore(-file)?\[([A-Za-z0-9_, .-]+)\]\s*(.*)$/;

export interface Suppression {
  ids: string[];
  reason: string;
  wholeFile: boolean;
}

export class Suppressions {
  private readonly byLine = new Map<number, Suppression>();
  private readonly fileWide: Suppression[] = [];

  constructor(private readonly lines: readonly string[]) {
    lines.forEach((text, i) => {
      if (text.length > 4096 || !text.includes('bulwark:ignore')) return;
      const m = MARKER.exec(text);
      if (!m) return;
      const s: Suppression = { ids: (m[2] ?? '').split(',').map((x) => x.trim()).filter(Boolean), reason: (m[3] ?? '').trim(), wholeFile: m[1] !== undefined };
      if (s.wholeFile) this.fileWide.push(s);
      else this.byLine.set(i + 1, s);
    });
  }

  static of(text: string): Suppressions {
    return new Suppressions(text.split('\n'));
  }

  /** The suppression covering `checkId` at `line` (1-based; 0 = the file), if any. */
  find(checkId: string, line: number): Suppression | undefined {
    const covers = (s: Suppression | undefined): boolean => s !== undefined && (s.ids.includes(checkId) || s.ids.includes('*'));
    const same = this.byLine.get(line);
    if (covers(same)) return same;
    // Walk up through the comment block directly above the line.
    for (let l = line - 1; l >= 1; l--) {
      const text = (this.lines[l - 1] ?? '').trim();
      if (!text.startsWith('#')) break;
      const s = this.byLine.get(l);
      if (covers(s)) return s;
    }
    return this.fileWide.find((s) => covers(s));
  }
}
