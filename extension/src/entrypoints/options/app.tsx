import { useEffect, useState } from 'preact/hooks';
import { siteAdapters } from '../../sites/index.ts';
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

export function App() {
  const [annotator, setAnnotator] = useState('');
  const [tags, setTags] = useState('');
  const [enabled, setEnabled] = useState<EnabledSites>({});
  const [status, setStatus] = useState<{ error: boolean; text: string }>({ error: false, text: '' });
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    void readSettings().then((settings) => {
      setAnnotator(settings.annotator);
      setTags(settings.defaultTags.join(', '));
      setEnabled(settings.enabledSites);
      setLoaded(true);
    });
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
    ]);
    setStatus({ error: false, text: 'Saved' });
  }

  if (!loaded) return <main>Loading…</main>;
  return (
    <main>
      <h1>Margin options</h1>
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
        <button type="submit">Save</button>{' '}
        <span role="status" class={status.error ? 'error' : ''}>
          {status.text}
        </span>
      </form>
      <CompanionSection />
      <SelfHostedSection />
      <RubricSection />
      <ShortcutsSection />
      <DeleteDataSection />
    </main>
  );
}
