import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as received (a Parquet download is not text). */
  bytes: Buffer;
  json(): unknown;
}

export interface RawRequest {
  method?: string;
  path: string;
  /** Sent exactly as given: `host` included (or left out, then no Host header at all). */
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * One request with node:http and nothing added: fetch() would rewrite Host to the real target, which
 * is exactly what the DNS-rebinding tests must control.
 */
export function rawRequest(port: number, options: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
        setHost: false,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, bytes, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
