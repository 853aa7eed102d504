import { z } from 'zod';

/**
 * The version of the conversation between the extension and the companion: the routes, their shapes
 * and their rules (docs/sync-protocol.md). It is not the package version: it moves only when a change
 * would break one side talking to the other, so a new companion keeps serving older extensions (and
 * the other way round) for as long as the range below allows.
 */
export const PROTOCOL = {
  /** What this build speaks. */
  current: 1,
  /** The oldest extension protocol this build's companion still serves. */
  oldest: 1,
} as const;

/** The request header the extension sends its protocol in; the companion refuses any it does not serve. */
export const PROTOCOL_HEADER = 'X-Margin-Protocol';

export const protocolRangeSchema = z.strictObject({ current: z.int().min(1), oldest: z.int().min(1) });
export type ProtocolRange = z.infer<typeof protocolRangeSchema>;

/** The error code of a refusal for an unsupported protocol (HTTP 400). */
export const UNSUPPORTED_PROTOCOL_CODE = 'unsupported_protocol';

/**
 * Which side must be updated for a client speaking `client` to talk to a server serving `server`:
 * `null` when they can talk, `companion` when the client is newer than the server knows, `extension`
 * when the server no longer serves protocols that old.
 */
export function protocolUpdateNeeded(client: number, server: ProtocolRange): 'companion' | 'extension' | null {
  if (client > server.current) return 'companion';
  if (client < server.oldest) return 'extension';
  return null;
}

/** What a person reads when the two sides cannot talk: which side to update, and how. */
export function describeProtocolMismatch(client: number, server: ProtocolRange & { version: string }): string | null {
  const update = protocolUpdateNeeded(client, server);
  if (update === 'companion') {
    return (
      `This Margin extension speaks protocol ${client}, newer than the companion (${server.version}, protocol ` +
      `${server.current}) understands. Update the companion to this extension's release and restart it.`
    );
  }
  if (update === 'extension') {
    return (
      `This Margin extension speaks protocol ${client}, which the companion (${server.version}) no longer ` +
      `serves (oldest: ${server.oldest}). Update the extension from your browser's add-on store.`
    );
  }
  return null;
}
