import { hashId } from '../../../shared/export/hash.ts';

/** A message id for sites that have none: the same response at the same place always gets the same id. */
export function synthesizeMessageId(conversationId: string, position: number, response: string): string {
  return `m-${hashId(`${conversationId}:${position}:${hashId(response)}`)}`;
}

/**
 * The same key as `annotationKey` in shared/annotation.ts (a test checks they agree), repeated here
 * because importing that module would pull zod into the content script.
 */
export function responseKey(site: string, conversationId: string, messageId: string): string {
  return `${site}:${conversationId}:${messageId}`;
}
