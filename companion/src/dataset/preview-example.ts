import type { ExportRecord } from '../../../shared/export/index.ts';
import type { PreviewExample } from '../../../shared/index.ts';

/** A written line as the preview shows it: the example it was built from, in the preview's generic shape. */
export function previewExample(record: ExportRecord): PreviewExample {
  const { example, provenance } = record;
  const common = {
    line: record.line.endsWith('\n') ? record.line.slice(0, -1) : record.line,
    basis: provenance.basis,
    annotationIds: provenance.sources.map((source) => source.id),
  };
  if (example === null) {
    const source = provenance.sources[0];
    if (!source) throw new Error('a raw line without its annotation');
    return {
      ...common,
      kind: 'raw',
      system: null,
      turns: source.context,
      response: source.response,
      correction: source.correction,
    };
  }
  const prompt = { system: example.prompt.system, turns: example.prompt.turns };
  switch (example.kind) {
    case 'sft':
      return { ...common, ...prompt, kind: 'sft', target: example.target };
    case 'pair':
      return {
        ...common,
        ...prompt,
        kind: 'pair',
        chosen: example.chosen,
        rejected: example.rejected,
        margin: example.margin,
      };
    case 'kto':
      return { ...common, ...prompt, kind: 'kto', completion: example.completion, label: example.label };
  }
}
