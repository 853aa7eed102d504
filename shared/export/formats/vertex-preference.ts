import { geminiContents, geminiText } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

const completion = (score: 0 | 1, text: string) => ({ score, completion: { role: 'model', parts: geminiText(text) } });

/** Vertex AI preference tuning of Gemini: the context ending with a user turn, then two completions scored 1 and 0. */
export default defineExportFormat({
  id: 'vertex-preference',
  kind: 'pair',
  reasoning: 'inline',
  explain:
    '{"system_instruction"?:{"parts":[…]},"contents":[… ending with user],"completions":[{"score":1,"completion":{"role":"model",…}},{"score":0,…}]}',
  build(ex) {
    const contents = geminiContents(ex.prompt.turns);
    if ('skip' in contents) return contents;
    const value = { contents, completions: [completion(1, ex.chosen), completion(0, ex.rejected)] };
    return {
      value:
        ex.prompt.system === null ? value : { system_instruction: { parts: geminiText(ex.prompt.system) }, ...value },
    };
  },
});
