import { assistant, chatMessages } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** TRL's KTOTrainer: unpaired completions labelled desirable (true) or undesirable (false). */
export default defineExportFormat({
  id: 'trl-kto',
  kind: 'kto',
  explain: '{"prompt":[…],"completion":[assistant],"label":true|false}',
  build(ex) {
    return { value: { prompt: chatMessages(ex.prompt), completion: [assistant(ex.completion)], label: ex.label } };
  },
});
