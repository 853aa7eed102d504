import type { Metadata } from '../../../../shared/annotation.ts';
import { type CaptureCountKind, isPartialCapture, readCompleteness } from '../../../../shared/capture-completeness.ts';

const KIND_WORDS: Record<CaptureCountKind, [string, string]> = {
  unrenderedTurns: ['earlier turn not captured', 'earlier turns not captured'],
  images: ['image', 'images'],
  files: ['file', 'files'],
  artifacts: ['artifact', 'artifacts'],
  toolOutputs: ['tool output not captured', 'tool outputs not captured'],
};

/** Says when the capture missed part of the page (docs/capture.md), so a person judges the text knowingly. */
export function CaptureNote({ metadata }: { metadata: Metadata }) {
  if (!isPartialCapture(metadata)) return null;
  const parts = Object.entries(readCompleteness(metadata)).map(([kind, count]) => {
    const [one, many] = KIND_WORDS[kind as CaptureCountKind];
    return `${count} ${count === 1 ? one : many}`;
  });
  return (
    <p class="capture-note" data-capture="partial">
      Partly captured{parts.length > 0 ? `: ${parts.join(', ')}` : ''}. Placeholders in the text mark what is missing.
    </p>
  );
}
