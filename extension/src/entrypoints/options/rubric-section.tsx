import { useEffect, useState } from 'preact/hooks';
import {
  describeIssues,
  type Rubric,
  type RubricQuestion,
  type RubricQuestionKind,
  rubricQuestionId,
  rubricSchema,
} from '../../../../shared/index.ts';
import { readSettings, rubricItem } from '../../utils/settings.ts';
import { useSection } from './save-bar.tsx';
import './annotate-sections.css';

/** A question as typed: options and range as text until saved. */
interface Draft {
  label: string;
  kind: RubricQuestionKind;
  required: boolean;
  options: string;
  min: string;
  max: string;
}

const KINDS: { kind: RubricQuestionKind; text: string }[] = [
  { kind: 'yes-no', text: 'Yes / no' },
  { kind: 'choice', text: 'One of a list' },
  { kind: 'number', text: 'A number in a range' },
  { kind: 'text', text: 'Short text' },
];

function toDraft(question: RubricQuestion): Draft {
  return {
    label: question.label,
    kind: question.kind,
    required: question.required,
    options: question.kind === 'choice' ? question.options.join(', ') : '',
    min: question.kind === 'number' ? String(question.min) : '0',
    max: question.kind === 'number' ? String(question.max) : '10',
  };
}

/** The questions as the rubric schema reads them (ids from labels, unique). */
function toQuestions(drafts: Draft[]): unknown[] {
  const taken = new Set<string>();
  return drafts.map((draft) => {
    const id = rubricQuestionId(draft.label, taken);
    taken.add(id);
    const base = { id, label: draft.label, required: draft.required };
    switch (draft.kind) {
      case 'choice':
        return { ...base, kind: 'choice', options: draft.options.split(',').map((option) => option.trim()) };
      case 'number':
        return { ...base, kind: 'number', min: Number(draft.min), max: Number(draft.max) };
      default:
        return { ...base, kind: draft.kind };
    }
  });
}

/**
 * Rubric: extra questions answered in each response's comment panel (yes/no, one of a list, a number
 * in a range, short text; each optionally required). Saving a change makes a new rubric version;
 * annotations keep the version their answers were given under.
 */
export function RubricSection() {
  const [rubric, setRubric] = useState<Rubric | null>(null);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);
  useEffect(() => {
    void readSettings().then((settings) => {
      setRubric(settings.rubric);
      setDrafts(settings.rubric.questions.map(toDraft));
    });
  }, []);
  const questions = toQuestions(drafts);
  const dirty = rubric !== null && JSON.stringify(questions) !== JSON.stringify(rubric.questions);
  useSection('Rubric', dirty, {
    async save() {
      if (!rubric) return true;
      const parsed = rubricSchema.safeParse({ version: rubric.version + 1, questions });
      if (!parsed.success) {
        setNote({ error: true, text: `Not saved: ${describeIssues(parsed.error)}` });
        return false;
      }
      await rubricItem.setValue(parsed.data);
      setRubric(parsed.data);
      setNote({
        error: false,
        text:
          parsed.data.questions.length === 0
            ? 'Saved: no rubric.'
            : `Saved as rubric version ${parsed.data.version}. Reload open chat pages to use it.`,
      });
      return true;
    },
    discard() {
      if (rubric) setDrafts(rubric.questions.map(toDraft));
      setNote(null);
    },
  });
  if (!rubric) return null;

  const update = (index: number, change: Partial<Draft>) =>
    setDrafts(drafts.map((draft, at) => (at === index ? { ...draft, ...change } : draft)));

  return (
    <section aria-labelledby="rubric-heading">
      <h2 id="rubric-heading">Rubric</h2>
      <p>
        Questions answered in each response's comment panel, for example "Hallucination?". Version {rubric.version}.
      </p>
      <div>
        {drafts.map((draft, index) => (
          <fieldset key={index} class="rubric-question">
            <legend>Question {index + 1}</legend>
            <label>
              Question
              <input
                type="text"
                aria-label={`Question ${index + 1} text`}
                value={draft.label}
                onInput={(event) => update(index, { label: event.currentTarget.value })}
              />
            </label>
            <label>
              Answer
              <select
                aria-label={`Question ${index + 1} answer kind`}
                value={draft.kind}
                onChange={(event) => update(index, { kind: event.currentTarget.value as RubricQuestionKind })}
              >
                {KINDS.map((kind) => (
                  <option key={kind.kind} value={kind.kind}>
                    {kind.text}
                  </option>
                ))}
              </select>
            </label>
            {draft.kind === 'choice' && (
              <label>
                Options (comma-separated)
                <input
                  type="text"
                  aria-label={`Question ${index + 1} options`}
                  value={draft.options}
                  onInput={(event) => update(index, { options: event.currentTarget.value })}
                />
              </label>
            )}
            {draft.kind === 'number' && (
              <div class="range">
                <label>
                  From
                  <input
                    type="number"
                    aria-label={`Question ${index + 1} minimum`}
                    value={draft.min}
                    onInput={(event) => update(index, { min: event.currentTarget.value })}
                  />
                </label>
                <label>
                  To
                  <input
                    type="number"
                    aria-label={`Question ${index + 1} maximum`}
                    value={draft.max}
                    onInput={(event) => update(index, { max: event.currentTarget.value })}
                  />
                </label>
              </div>
            )}
            <label>
              <input
                type="checkbox"
                aria-label={`Question ${index + 1} required`}
                checked={draft.required}
                onChange={(event) => update(index, { required: event.currentTarget.checked })}
              />
              Required
            </label>
            <button type="button" onClick={() => setDrafts(drafts.filter((_draft, at) => at !== index))}>
              Remove question {index + 1}
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          onClick={() =>
            setDrafts([...drafts, { label: '', kind: 'yes-no', required: false, options: '', min: '0', max: '10' }])
          }
        >
          Add question
        </button>
        {note && (
          <p class={note.error ? 'error' : ''} aria-live="polite" data-rubric-note>
            {note.text}
          </p>
        )}
      </div>
    </section>
  );
}
