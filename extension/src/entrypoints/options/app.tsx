import { AnnotatingSection } from './annotating-section.tsx';
import { CompanionSection } from './companion-section.tsx';
import { DeleteDataSection } from './delete-data-section.tsx';
import { RubricSection } from './rubric-section.tsx';
import { SaveBar, SectionRegistry, useOneSave } from './save-bar.tsx';
import { SelfHostedSection } from './self-hosted-section.tsx';
import { ShortcutsSection } from './shortcuts-section.tsx';

/**
 * The options, one page and one form: pairing first (most people come here to pair), then what
 * annotating looks like, the rubric, the keys and self-hosted apps. The person edits anything and
 * one Save, in a bar that stays in view, saves it all; each section says next to its fields what
 * could not be saved. Deleting data is an action, not a setting, so it stays outside the form.
 */
export function App() {
  const oneSave = useOneSave();
  return (
    <main>
      <h1>Margin options</h1>
      <SectionRegistry value={oneSave.registry}>
        {/* noValidate: each section checks its own fields and says what is wrong next to them, so one bad field does not block the others' save. */}
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void oneSave.saveAll();
          }}
        >
          <SaveBar state={oneSave} />
          <CompanionSection />
          <AnnotatingSection />
          <RubricSection />
          <ShortcutsSection />
          <SelfHostedSection />
        </form>
      </SectionRegistry>
      <DeleteDataSection />
    </main>
  );
}
