import { useEffect, useState } from 'preact/hooks';
import { siteAdapters } from '../../sites/index.ts';
import { type ControlsReveal, controlsRevealItem, parseControlsReveal } from '../../utils/controls-reveal.ts';
import {
  annotatorNameItem,
  annotatorNameSchema,
  defaultTagsItem,
  defaultTagsSchema,
  type EnabledSites,
  enabledSitesItem,
  readSettings,
} from '../../utils/settings.ts';
import { useSection } from './save-bar.tsx';

interface Fields {
  annotator: string;
  tags: string;
  enabled: EnabledSites;
  reveal: ControlsReveal;
}

/** Who annotates, default tags, which sites show controls, and whether they show only on hover. */
export function AnnotatingSection() {
  const [saved, setSaved] = useState<Fields | null>(null);
  const [fields, setFields] = useState<Fields | null>(null);
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);

  useEffect(() => {
    void Promise.all([readSettings(), controlsRevealItem.getValue()]).then(([settings, shown]) => {
      const read = {
        annotator: settings.annotator,
        tags: settings.defaultTags.join(', '),
        enabled: settings.enabledSites,
        reveal: parseControlsReveal(shown),
      };
      setSaved(read);
      setFields(read);
    });
    // Pairing with a team server sets the name from the token: show it here (as saved), so Save does not undo it.
    return annotatorNameItem.watch((name) => {
      setSaved((now) => now && { ...now, annotator: name });
      setFields((now) => now && { ...now, annotator: name });
    });
  }, []);

  const dirty = saved !== null && fields !== null && JSON.stringify(saved) !== JSON.stringify(fields);
  useSection('Annotating', dirty, {
    async save() {
      if (!fields) return true;
      const name = annotatorNameSchema.safeParse(fields.annotator);
      if (!name.success) {
        setNote({ error: true, text: 'Annotator name: must not be empty (at most 100 characters).' });
        return false;
      }
      const parsedTags = defaultTagsSchema.safeParse(
        [...new Set(fields.tags.split(',').map((tag) => tag.trim()))].filter((tag) => tag.length > 0),
      );
      if (!parsedTags.success) {
        setNote({ error: true, text: 'Default tags: at most 50 tags of 64 characters.' });
        return false;
      }
      await Promise.all([
        annotatorNameItem.setValue(name.data),
        defaultTagsItem.setValue(parsedTags.data),
        enabledSitesItem.setValue(fields.enabled),
        controlsRevealItem.setValue(fields.reveal),
      ]);
      const now = { ...fields, annotator: name.data, tags: parsedTags.data.join(', ') };
      setSaved(now);
      setFields(now);
      setNote({ error: false, text: 'Saved. Open chat pages use it now.' });
      return true;
    },
    discard() {
      setFields(saved);
      setNote(null);
    },
  });

  if (!fields) return null;
  const set = (change: Partial<Fields>) => setFields({ ...fields, ...change });
  return (
    <section aria-labelledby="annotating-heading">
      <h2 id="annotating-heading">Annotating</h2>
      <label>
        Annotator name
        <input
          type="text"
          value={fields.annotator}
          onInput={(event) => set({ annotator: event.currentTarget.value })}
        />
      </label>
      <label>
        Default tags (comma-separated, added to every new annotation)
        <input type="text" value={fields.tags} onInput={(event) => set({ tags: event.currentTarget.value })} />
      </label>
      <fieldset>
        <legend>Show controls on</legend>
        {siteAdapters.map((adapter) => (
          <label key={adapter.id}>
            <input
              type="checkbox"
              checked={fields.enabled[adapter.id] !== false}
              onChange={(event) => set({ enabled: { ...fields.enabled, [adapter.id]: event.currentTarget.checked } })}
            />
            {adapter.label}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>On the chat page</legend>
        <label>
          <input
            type="checkbox"
            checked={fields.reveal === 'hover'}
            onChange={(event) => set({ reveal: event.currentTarget.checked ? 'hover' : 'always' })}
          />
          Show Margin's controls only on hover or focus
        </label>
      </fieldset>
      {note && (
        <p class={note.error ? 'error' : 'ok'} aria-live="polite" data-annotating-note>
          {note.text}
        </p>
      )}
    </section>
  );
}
