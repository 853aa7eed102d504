import { geminiContents, geminiText } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** Vertex AI supervised tuning of Gemini: `contents` of user / model turns ending with the target. */
export default defineExportFormat({
  id: 'vertex-sft',
  kind: 'sft',
  reasoning: 'inline',
  explain:
    '{"systemInstruction"?:{"parts":[{"text"}]},"contents":[{"role":"user"|"model","parts":[{"text"}]}…, model target]}',
  build(ex) {
    const contents = geminiContents(ex.prompt.turns);
    if ('skip' in contents) return contents;
    const target = { role: 'model', parts: geminiText(ex.target) };
    const value = { contents: [...contents, target] };
    return {
      value:
        ex.prompt.system === null ? value : { systemInstruction: { parts: geminiText(ex.prompt.system) }, ...value },
    };
  },
});
