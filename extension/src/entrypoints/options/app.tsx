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
import { CompanionSection } from './companion-section.tsx';
import { DeleteDataSection } from './delete-data-section.tsx';
import { RubricSection } from './rubric-section.tsx';
import { SelfHostedSection } from './self-hosted-section.tsx';
import { ShortcutsSection } from './shortcuts-section.tsx';
import { Tracked, UnsavedNotice, useUnsaved } from './unsaved.tsx';

/**
 * The options, one page: pairing first (most people come here to pair), then what annotating looks
 * like, the rubric, the keys, self-hosted apps and deleting data. Each section saves with its own
 * button; what was typed and not saved yet is listed at the top, and leaving the page asks first.
 */
export function App() {
  const unsaved = useUnsaved();
  const [reveal, setReveal] = useState<ControlsReveal>('always');
  const [annotator, setAnnotator] = useState('');
  const [tags, setTags] = useState('');
  const [enabled, setEnabled] = useState<EnabledSites>({});
  const [status, setStatus] = useState<{ error: boolean; text: string }>({ error: false, text: '' });
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    // Everything is read before the form shows, so nothing read late overwrites what the person picked.
    void Promise.all([readSettings(), controlsRevealItem.getValue()]).then(([settings, shown]) => {
      setAnnotator(settings.annotator);
      setTags(settings.defaultTags.join(', '));
      setEnabled(settings.enabledSites);
      setReveal(parseControlsReveal(shown));
      setLoaded(true);
    });
    // Pairing with a team server sets the name from the token: show it here, so Save does not undo it.
    return annotatorNameItem.watch((name) => setAnnotator(name));
  }, []);

  async function save(event: Event) {
    event.preventDefault();
    const name = annotatorNameSchema.safeParse(annotator);
    if (!name.success)
      return setStatus({ error: true, text: 'Annotator name: must not be empty (at most 100 characters).' });
    const parsedTags = defaultTagsSchema.safeParse(
      [...new Set(tags.split(',').map((tag) => tag.trim()))].filter((tag) => tag.length > 0),
    );
    if (!parsedTags.success) return setStatus({ error: true, text: 'Default tags: at most 50 tags of 64 characters.' });
    await Promise.all([
      annotatorNameItem.setValue(name.data),
      defaultTagsItem.setValue(parsedTags.data),
      enabledSitesItem.setValue(enabled),
      controlsRevealItem.setValue(reveal),
    ]);
    unsaved.saved('Annotating');
    setStatus({ error: false, text: 'Saved. Open chat pages use it now.' });
  }

  if (!loaded) return <main>Loading…</main>;
  return (
    <main>
      <h1>Margin options</h1>
      <UnsavedNotice tracker={unsaved} />
      <Tracked name="Companion" tracker={unsaved}>
        <CompanionSection onSaved={() => unsaved.saved('Companion')} />
      </Tracked>
      <Tracked name="Annotating" tracker={unsaved}>
        <section aria-labelledby="annotating-heading">
          <h2 id="annotating-heading">Annotating</h2>
          <form onSubmit={save}>
            <label>
              Annotator name
              <input type="text" value={annotator} onInput={(event) => setAnnotator(event.currentTarget.value)} />
            </label>
            <label>
              Default tags (comma-separated, added to every new annotation)
              <input type="text" value={tags} onInput={(event) => setTags(event.currentTarget.value)} />
            </label>
            <fieldset>
              <legend>Show controls on</legend>
              {siteAdapters.map((adapter) => (
                <label key={adapter.id}>
                  <input
                    type="checkbox"
                    checked={enabled[adapter.id] !== false}
                    onChange={(event) => setEnabled({ ...enabled, [adapter.id]: event.currentTarget.checked })}
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
                  checked={reveal === 'hover'}
                  onChange={(event) => setReveal(event.currentTarget.checked ? 'hover' : 'always')}
                />
                Show Margin's controls only on hover or focus
              </label>
            </fieldset>
            <button type="submit">Save</button>{' '}
            <span role="status" class={status.error ? 'error' : ''}>
              {status.text}
            </span>
          </form>
        </section>
      </Tracked>
      <Tracked name="Rubric" tracker={unsaved}>
        <RubricSection onSaved={() => unsaved.saved('Rubric')} />
      </Tracked>
      <Tracked name="Keyboard shortcuts" tracker={unsaved}>
        <ShortcutsSection onSaved={() => unsaved.saved('Keyboard shortcuts')} />
      </Tracked>
      <Tracked name="Self-hosted chat apps" tracker={unsaved}>
        <SelfHostedSection onSaved={() => unsaved.saved('Self-hosted chat apps')} />
      </Tracked>
      <DeleteDataSection />
    </main>
  );
}
