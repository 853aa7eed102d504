import { createContext } from 'preact';
import { useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';

/** What a section of the options page gives the page's one Save. */
export interface SectionSaver {
  /** Whether the section holds edits not saved yet (read when Save is pressed, so a late render cannot hide one). */
  dirty(): boolean;
  /**
   * Saves the section's edits. Called synchronously inside the Save click, every section in turn
   * before any of them awaits: a section that needs the click's user activation (a permission
   * prompt) makes that call before its first await. Resolves true when saved; false when the
   * section kept its edits and says why next to its fields.
   */
  save(): Promise<boolean>;
  /** Puts the section back to what is saved. */
  discard(): void;
}

interface Registry {
  register(name: string, saver: SectionSaver): () => void;
  setDirty(name: string, dirty: boolean): void;
}

const RegistryContext = createContext<Registry | null>(null);
export const SectionRegistry = RegistryContext.Provider;

/** Joins a section to the page's one Save: `dirty` as rendered now, and how it saves and discards. */
export function useSection(name: string, dirty: boolean, saver: Omit<SectionSaver, 'dirty'>) {
  const registry = useContext(RegistryContext);
  const latest = useRef({ ...saver, dirty: () => dirty });
  latest.current = { ...saver, dirty: () => dirty };
  useEffect(
    () =>
      registry?.register(name, {
        dirty: () => latest.current.dirty(),
        save: () => latest.current.save(),
        discard: () => latest.current.discard(),
      }),
    [registry, name],
  );
  useLayoutEffect(() => registry?.setDirty(name, dirty), [registry, name, dirty]);
}

/** How the last Save went: which sections were saved and which were not. */
interface Outcome {
  saved: string[];
  failed: string[];
  /** How many saves have finished on this page (tests wait for the next one). */
  count: number;
}

export interface OneSave {
  registry: Registry;
  /** Sections with unsaved edits, in page order. */
  unsaved: string[];
  saving: boolean;
  outcome: Outcome | null;
  saveAll(): Promise<void>;
  discardAll(): void;
}

/**
 * The page's one Save. Sections register themselves; Save saves every section with edits, each on
 * its own, so a pairing that fails does not throw away a rubric typed on the same page (and the
 * result says which were saved and which not). While anything is unsaved, leaving the page asks first.
 */
export function useOneSave(): OneSave {
  const savers = useRef(new Map<string, SectionSaver>());
  const [dirty, setDirtyNames] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const registry = useMemo<Registry>(
    () => ({
      register(name, saver) {
        savers.current.set(name, saver);
        return () => {
          savers.current.delete(name);
          setDirtyNames((now) => now.filter((known) => known !== name));
        };
      },
      setDirty(name, isDirty) {
        setDirtyNames((now) =>
          isDirty ? (now.includes(name) ? now : [...now, name]) : now.filter((known) => known !== name),
        );
      },
    }),
    [],
  );

  useEffect(() => {
    if (dirty.length === 0) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty.length]);

  const order = [...savers.current.keys()];
  const unsaved = order.filter((name) => dirty.includes(name));

  function saveAll(): Promise<void> {
    // Every section starts inside the click (no await before the last one has started): see SectionSaver.save.
    const started = [...savers.current].flatMap(([name, saver]) =>
      saver.dirty()
        ? [
            saver.save().then(
              (ok) => ({ name, ok }),
              () => ({ name, ok: false }),
            ),
          ]
        : [],
    );
    setSaving(true);
    return Promise.all(started).then((results) => {
      setSaving(false);
      setOutcome((last) => ({
        count: (last?.count ?? 0) + 1,
        saved: results.filter((result) => result.ok).map((result) => result.name),
        failed: results.filter((result) => !result.ok).map((result) => result.name),
      }));
    });
  }

  function discardAll() {
    for (const saver of savers.current.values()) saver.discard();
    setOutcome((last) => last && { ...last, failed: [] });
  }

  return { registry, unsaved, saving, outcome, saveAll, discardAll };
}

function describeOutcome(unsaved: string[], outcome: Outcome | null, saving: boolean) {
  if (saving) return { tone: 'busy', text: 'Saving…' };
  if (outcome && outcome.failed.length > 0 && unsaved.length > 0) {
    const saved = outcome.saved.length > 0 ? ` Saved: ${outcome.saved.join(', ')}.` : '';
    return {
      tone: 'error',
      text: `Not saved: ${outcome.failed.join(', ')} (the reason is shown there).${saved}`,
    };
  }
  if (unsaved.length > 0) return { tone: 'unsaved', text: `Unsaved changes in ${unsaved.join(', ')}.` };
  return { tone: 'ok', text: 'All changes saved' };
}

/**
 * The bar at the top of the page, always in view: what is unsaved, the one Save (disabled, with
 * "All changes saved", when there is nothing to save) and "Discard changes". After a Save where a
 * section failed, it says which were saved and which not, in red: never a green "Saved" then.
 */
export function SaveBar({ state }: { state: OneSave }) {
  const { unsaved, saving, outcome } = state;
  const message = describeOutcome(unsaved, outcome, saving);
  const clean = unsaved.length === 0;
  return (
    <div class={`save-bar ${message.tone}`} data-save-bar>
      <p role="status" aria-live="polite" data-save-status data-tone={message.tone} data-saves={outcome?.count ?? 0}>
        {message.text}
      </p>
      <button type="button" disabled={clean || saving} onClick={() => state.discardAll()}>
        Discard changes
      </button>
      <button type="submit" disabled={clean || saving}>
        Save
      </button>
    </div>
  );
}
