import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Which sections of the options page hold changes not saved yet, and how sections report it. */
export interface UnsavedTracker {
  sections: readonly string[];
  edited(section: string): void;
  saved(section: string): void;
}

/**
 * Tracks unsaved edits per section: typing in a section marks it, its save clears it. While any
 * section is marked, leaving the page asks first (beforeunload) and the page says which sections.
 */
export function useUnsaved(): UnsavedTracker {
  const [sections, setSections] = useState<string[]>([]);
  useEffect(() => {
    if (sections.length === 0) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [sections.length]);
  return {
    sections,
    edited: (section) => setSections((now) => (now.includes(section) ? now : [...now, section])),
    saved: (section) => setSections((now) => now.filter((name) => name !== section)),
  };
}

/** A section whose fields mark it edited as soon as the person types or picks something in them. */
export function Tracked({
  name,
  tracker,
  children,
}: {
  name: string;
  tracker: UnsavedTracker;
  children: ComponentChildren;
}) {
  const box = useRef<HTMLDivElement>(null);
  const edited = useRef(tracker.edited);
  edited.current = tracker.edited;
  useEffect(() => {
    const element = box.current;
    const mark = (event: Event) => {
      // A box or radio fires `input` then `change`: re-rendering between the two would undo the click
      // on a controlled field, so those count on `change` only.
      const target = event.target;
      if (event.type === 'input' && target instanceof HTMLInputElement && /^(checkbox|radio)$/.test(target.type))
        return;
      edited.current(name);
    };
    element?.addEventListener('input', mark);
    element?.addEventListener('change', mark);
    return () => {
      element?.removeEventListener('input', mark);
      element?.removeEventListener('change', mark);
    };
  }, [name]);
  return (
    <div ref={box} data-section={name}>
      {children}
    </div>
  );
}

/** The inline notice: what is not saved yet, and where. */
export function UnsavedNotice({ tracker }: { tracker: UnsavedTracker }) {
  if (tracker.sections.length === 0) return null;
  return (
    <p class="unsaved" aria-live="polite" data-unsaved>
      Unsaved changes in {tracker.sections.join(', ')}. Save them before you leave this page.
    </p>
  );
}
