import { z } from 'zod';
import { siteIdSchema } from '../../../shared/index.ts';

const count = z.int().min(0).max(1_000_000);

/** A content script's health check of its page (annotate/health.ts), as the background accepts it. */
export const pageHealthSchema = z.strictObject({
  site: siteIdSchema,
  conversationId: z.string().max(200).nullable(),
  turns: count,
  assistantTurns: count,
  withControls: count,
  withoutAnchor: count,
  streaming: count,
  problem: z
    .strictObject({
      kind: z.enum(['no-turns', 'no-anchor', 'no-text', 'never-finishes']),
      message: z.string().min(1).max(500),
    })
    .nullable(),
});
export type PageHealth = z.infer<typeof pageHealthSchema>;

/** What the popup gets for a tab: the report, and when the background received it. */
export interface TabHealth extends PageHealth {
  receivedAt: string;
}
