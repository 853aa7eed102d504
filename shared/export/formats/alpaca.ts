import { alternate, withSystem } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** Stanford Alpaca, with LLaMA-Factory's `system` and `history` for multi-turn prompts. */
export default defineExportFormat({
  id: 'alpaca',
  kind: 'sft',
  reasoning: 'inline',
  explain: '{"instruction":last user turn,"input":"","output":target,"system"?,"history"?:[[user,assistant]…]}',
  build(ex) {
    const turns = alternate(ex.prompt.turns, false);
    if ('skip' in turns) return turns;
    const history: [string, string][] = [];
    for (let i = 0; i + 1 < turns.length - 1; i += 2)
      history.push([turns[i]?.content ?? '', turns[i + 1]?.content ?? '']);
    const instruction = turns[turns.length - 1]?.content ?? '';
    const base = withSystem({ instruction, input: '', output: ex.target }, ex.prompt.system);
    return { value: history.length > 0 ? { ...base, history } : base };
  },
});
