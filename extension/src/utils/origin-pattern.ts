/**
 * Match pattern for an origin the person added (a self-hosted chat app). Match patterns cannot name
 * a port in every browser (Firefox refuses them), so the pattern covers the host; the background
 * still checks every message's exact origin, port included.
 */
export function originPattern(origin: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}
