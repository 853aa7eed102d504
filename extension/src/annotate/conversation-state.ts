import type {
  AnnotationState,
  ComparisonState,
  ConversationAnnotations,
  ResponseCaptureInput,
} from '../utils/annotation-input.ts';
import { type CompareCandidate, compareCandidates } from './compare-candidates.ts';

interface ConversationState {
  enabled: boolean;
  annotations: Map<string, AnnotationState>;
  comparisons: ComparisonState[];
}

/**
 * What this page knows of each conversation: whether controls belong there, the person's annotations
 * and comparisons (loaded once from the background, then kept current by every save), and each variant
 * of a prompt rendered so far (the site shows one at a time; compare mode offers the others).
 * `onLoaded` is called when a conversation has loaded: the responses waiting for it can get controls.
 */
export function createConversationStore(
  load: (conversationId: string) => Promise<ConversationAnnotations>,
  onLoaded: () => void,
) {
  const conversations = new Map<string, ConversationState | 'loading'>();
  /** Variants seen on this page, by variant group, then by message id. */
  const variantCaptures = new Map<string, Map<string, ResponseCaptureInput>>();

  function loaded(conversationId: string): ConversationState | undefined {
    const state = conversations.get(conversationId);
    return state === 'loading' ? undefined : state;
  }

  /** Keeps `capture` for compare mode if it is one of several variants of its prompt. */
  function rememberVariant(capture: ResponseCaptureInput): void {
    const group = capture.variant?.group;
    if (!group) return;
    let seen = variantCaptures.get(group);
    if (!seen) {
      seen = new Map();
      variantCaptures.set(group, seen);
    }
    seen.set(capture.messageId, capture);
  }

  return {
    /** The conversation's state; null while it loads (the first call starts loading it). */
    get(conversationId: string): ConversationState | null {
      const state = conversations.get(conversationId);
      if (state === 'loading') return null;
      if (state) return state;
      conversations.set(conversationId, 'loading');
      load(conversationId).then(
        (answer) => {
          const annotations = new Map(answer.annotations.map((annotation) => [annotation.messageId, annotation]));
          conversations.set(conversationId, {
            enabled: answer.enabled,
            annotations,
            comparisons: answer.comparisons,
          });
          onLoaded();
        },
        () => {
          // The background did not answer (it is restarting): try again on the next batch.
          conversations.delete(conversationId);
        },
      );
      return null;
    },

    /** The saved annotation of one response, once its conversation has loaded. */
    annotation(conversationId: string, messageId: string): AnnotationState | null {
      return loaded(conversationId)?.annotations.get(messageId) ?? null;
    },

    /** A save went through: the controls of `messageId` show `annotation` from now on. */
    saved(capture: ResponseCaptureInput, messageId: string, annotation: AnnotationState): void {
      loaded(capture.conversationId)?.annotations.set(messageId, annotation);
      rememberVariant(capture);
    },

    /** A comparison went through: its verdict, and the annotations it created or refreshed, are kept. */
    compared(conversationId: string, comparison: ComparisonState, annotations: AnnotationState[]): void {
      const state = loaded(conversationId);
      if (!state) return;
      for (const annotation of annotations) state.annotations.set(annotation.messageId, annotation);
      state.comparisons = [
        ...state.comparisons.filter(
          (known) =>
            !(
              (known.a === comparison.a && known.b === comparison.b) ||
              (known.a === comparison.b && known.b === comparison.a)
            ),
        ),
        comparison,
      ];
    },

    rememberVariant,

    /** The variants seen on this page that `capture` (of `conversationId`) can be compared with. */
    candidates(capture: ResponseCaptureInput, conversationId: string): CompareCandidate[] {
      return compareCandidates(
        capture,
        variantCaptures.get(capture.variant?.group ?? '') ?? new Map(),
        loaded(conversationId)?.comparisons ?? [],
      );
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;
