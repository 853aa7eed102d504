import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/** Addresses that keep the companion on this machine. */
export const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1']);

/** How a companion may be reached: what `margin serve` was told about the network in front of it. */
export interface ListenPolicy {
  host: string;
  /** `--expose`: a personal companion deliberately reachable from elsewhere. */
  expose?: boolean;
  /** `--team --public-url URL`: a team server, reached at that URL. */
  publicUrl?: string;
  /** `--tls-cert FILE --tls-key FILE`: serve HTTPS ourselves. */
  tls?: { certFile: string; keyFile: string };
  /** `--behind-proxy`: a TLS proxy in front terminates HTTPS. */
  behindProxy?: boolean;
}

/** A `--public-url` as an URL: https (or http on a loopback name, for trying it out), no path or query. */
export function parsePublicUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(
      `--public-url "${raw}" is not a URL; give the address people open, e.g. https://margin.example.org`,
    );
  }
  const loopbackName = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackName)) {
    throw new Error(`--public-url must be an https:// URL (browsers send tokens to it), not "${raw}"`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new Error(`--public-url must be an origin only (scheme, host, port), without a path: "${url.origin}"`);
  }
  return url;
}

/**
 * Refuses what would put annotations and tokens on the network in clear text, with the flag to add.
 * A non-loopback address needs an explicit opt-in (--team or --expose) and TLS: ours or a proxy's.
 */
export function checkListenPolicy(policy: ListenPolicy): void {
  if (policy.tls && policy.behindProxy) {
    throw new Error(
      'give either --tls-cert/--tls-key (serve HTTPS here) or --behind-proxy (a TLS proxy in front), not both',
    );
  }
  if (LOOPBACK_ADDRESSES.has(policy.host)) return;
  if (!policy.expose && policy.publicUrl === undefined) {
    throw new Error(
      `refusing to listen on ${policy.host}: only 127.0.0.1 and ::1 keep annotations off the network. ` +
        'For a team server pass --team --public-url https://<its address> (docs/team.md); ' +
        'for this personal companion, --expose (anyone who can reach it and has the token can read everything).',
    );
  }
  if (!policy.tls && !policy.behindProxy) {
    throw new Error(
      `refusing to serve plain HTTP on ${policy.host}: tokens and annotations would cross the network unencrypted. ` +
        'Add --tls-cert FILE --tls-key FILE to serve HTTPS here, or --behind-proxy if a TLS proxy ' +
        '(Caddy, nginx) in front terminates HTTPS (docs/team.md).',
    );
  }
}

/** The certificate and key files' contents, checked to make a TLS context, or an error naming the flag at fault. */
export function readTlsFiles(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(`cannot read ${flag} ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
  };
  const files = { cert: read(tls.certFile, '--tls-cert'), key: read(tls.keyFile, '--tls-key') };
  try {
    createSecureContext(files);
  } catch (error) {
    throw new Error(
      `--tls-cert ${tls.certFile} and --tls-key ${tls.keyFile} are not a matching PEM certificate and key: ${(error as Error).message}`,
    );
  }
  return files;
}
