/**
 * go-ftw renders each stage's `data` as a Go template with Sprig's functions; the CRS tests use
 * one form of it, `{{ "text" | repeat N }}`, to build bodies past a size limit. This expands
 * that form, bounded, and leaves any other text exactly as written.
 */
import RE2 from 're2';

/** The largest body a template may expand to. */
export const MAX_TEMPLATE_BYTES = 16 * 1024 * 1024;

const REPEAT = new RE2(/\{\{\s*"([^"\\]*)"\s*\|\s*repeat\s+(\d{1,10})\s*\}\}/g);

/** `data` with every `{{ "text" | repeat N }}` replaced by N copies of text; throws past {@link MAX_TEMPLATE_BYTES}. */
export function expandDataTemplate(data: string): string {
  if (!data.includes('{{')) return data;
  let total = data.length;
  return data.replace(REPEAT, (_whole: string, literal: string, count: string) => {
    const times = Number(count);
    total += literal.length * times;
    if (total > MAX_TEMPLATE_BYTES) throw new Error(`data template "{{ \\"${literal.slice(0, 20)}\\" | repeat ${count} }}" expands past ${MAX_TEMPLATE_BYTES} bytes`);
    return literal.repeat(times);
  });
}
