import { useEffect, useState } from 'preact/hooks';
import { DEFAULT_ANNOTATOR, readSettings } from '../../utils/settings.ts';

/** "Annotating as …": the name stored in every annotation, with a hint while it is still the default. */
export function AnnotatorLine() {
  const [annotator, setAnnotator] = useState<string | null>(null);
  useEffect(() => {
    void readSettings().then((settings) => setAnnotator(settings.annotator));
  }, []);
  if (annotator === null) return null;
  return (
    <p class="annotator" data-annotator={annotator}>
      Annotating as <strong>{annotator}</strong>
      {annotator === DEFAULT_ANNOTATOR && ' (set your name in Options)'}
    </p>
  );
}
