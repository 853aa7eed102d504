import { z } from 'zod';

/**
 * A queue's id. Its own file because the export options name a queue (`margin export --queue ID`)
 * while the queue's filter reuses the export's filter schemas: neither module can import the other.
 */
export const queueIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a lowercase slug such as "last-week-logs" (letters, digits, dashes)');
