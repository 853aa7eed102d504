import { hashId } from '../../../shared/export/hash.ts';

/**
 * The message id the extension synthesizes for a site that puts none in its page (Claude): from the
 * conversation, the turn's position and the response text (`synthesizeMessageId` in
 * extension/src/capture/capture-response.ts; a test checks the two agree). An import computes the
 * same, so a response whose exported text equals what the page renders meets its live capture.
 */
export function synthesizedMessageId(conversationId: string, position: number, response: string): string {
  return `m-${hashId(`${conversationId}:${position}:${hashId(response)}`)}`;
}
