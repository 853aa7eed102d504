import type { AnnotationV1 } from '../../../shared/index.ts';

/**
 * A frozen copy of the extension's database at version 1 (before sync): its schema and rows as the
 * extension of commit 952d15f stored them. Never edit: the version-2 upgrade test opens this.
 */
export const V1_SCHEMA = {
  annotations: 'id, &[key+annotator], key, [site+conversationId], site, createdAt, updatedAt',
};

function v1Annotation(id: string, messageId: string, updatedAt: string, changes: Partial<AnnotationV1>): AnnotationV1 {
  return {
    schemaVersion: 1,
    id,
    key: `claude:4b1d-conv:${messageId}`,
    site: 'claude',
    url: 'https://claude.ai/chat/4b1d-conv',
    conversationId: '4b1d-conv',
    messageId,
    model: 'claude-sonnet-5',
    modelSource: 'model-picker',
    context: [
      { role: 'user', content: 'Summarise the RFC in two lines.' },
      { role: 'assistant', content: 'It defines…' },
      { role: 'user', content: 'Shorter, and in French — s’il te plaît 🙏' },
    ],
    response: 'Deux lignes : le protocole, puis ses limites.',
    variant: null,
    thumb: null,
    score: null,
    comment: '',
    tags: [],
    correction: null,
    metadata: {},
    annotator: 'me',
    createdAt: '2026-08-30T09:00:00.000Z',
    updatedAt,
    deletedAt: null,
    revision: 1,
    ...changes,
  };
}

export const V1_ANNOTATIONS: AnnotationV1[] = [
  v1Annotation('a1f0c3de-0000-4000-8000-000000000003', 'm-aaa', '2026-08-30T09:05:00.000Z', {
    thumb: 'up',
    score: 88,
    revision: 3,
  }),
  v1Annotation('0b6e1a22-0000-4000-8000-000000000001', 'm-bbb', '2026-08-30T09:10:00.000Z', {
    thumb: 'down',
    comment: 'Wrong language.',
    tags: ['language'],
    correction: 'Le protocole ; ses limites.',
    revision: 2,
  }),
  v1Annotation('7c2d9b41-0000-4000-8000-000000000002', 'm-ccc', '2026-08-30T09:01:00.000Z', {
    thumb: 'up',
    metadata: { contextMissingTurns: 2 },
  }),
];
