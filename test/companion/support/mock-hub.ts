import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the client made, as the mock Hub saw it. */
export interface HubRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Buffer;
}

/** A commit as received: its title and each file's bytes (inline or uploaded through LFS). */
export interface HubCommit {
  repo: string;
  title: string;
  files: Map<string, Buffer>;
}

export interface MockHub {
  url: string;
  requests: HubRequest[];
  /** Repositories created, with the JSON body of the create call. */
  created: Map<string, Record<string, unknown>>;
  commits: HubCommit[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A stand-in for the Hugging Face Hub's HTTP API, as much of it as `createRepo` and `uploadFiles`
 * of @huggingface/hub use: repo creation, preupload (data files go through LFS, the card inline),
 * the LFS batch API with basic transfers, and the NDJSON commit. It checks the bearer token and
 * the sha256 of every LFS upload, and answers errors in the Hub's JSON shape.
 */
export async function startMockHub(options: { token: string; existing?: string[] }): Promise<MockHub> {
  const requests: HubRequest[] = [];
  const created = new Map<string, Record<string, unknown>>();
  const commits: HubCommit[] = [];
  const lfs = new Map<string, Buffer>();
  const existing = new Set(options.existing ?? []);
  let base = '';

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.headers.authorization !== `Bearer ${options.token}` && !path.startsWith('/lfs-upload/')) {
      return json(401, { error: 'Invalid credentials in Authorization header' });
    }
    if (req.method === 'POST' && path === '/api/repos/create') {
      const request = JSON.parse(body.toString()) as { name: string; organization: string; type: string };
      const repo = `${request.organization}/${request.name}`;
      if (existing.has(repo) || created.has(repo)) return json(409, { error: 'You already created this dataset repo' });
      created.set(repo, request);
      return json(200, { url: `${base}/datasets/${repo}`, name: repo, id: `id-${repo}` });
    }
    let match = /^\/api\/datasets\/([^/]+\/[^/]+)\/preupload\/main$/.exec(path);
    if (req.method === 'POST' && match) {
      const { files } = JSON.parse(body.toString()) as { files: { path: string }[] };
      return json(200, {
        files: files.map((file) => ({
          path: file.path,
          uploadMode: file.path.startsWith('data/') ? 'lfs' : 'regular',
        })),
      });
    }
    match = /^\/datasets\/([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/batch$/.exec(path);
    if (req.method === 'POST' && match) {
      const { objects } = JSON.parse(body.toString()) as { objects: { oid: string; size: number }[] };
      return json(200, {
        transfer: 'basic',
        objects: objects.map((object) => ({
          ...object,
          authenticated: true,
          actions: { upload: { href: `${base}/lfs-upload/${object.oid}` } },
        })),
      });
    }
    match = /^\/lfs-upload\/([0-9a-f]{64})$/.exec(path);
    if (req.method === 'PUT' && match?.[1]) {
      const sha = createHash('sha256').update(body).digest('hex');
      if (sha !== match[1]) return json(400, { error: `sha256 mismatch: ${sha}` });
      lfs.set(sha, body);
      res.writeHead(200);
      return res.end();
    }
    match = /^\/api\/datasets\/([^/]+\/[^/]+)\/commit\/main$/.exec(path);
    if (req.method === 'POST' && match?.[1]) {
      const lines = body
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { key: string; value: Record<string, string> });
      const files = new Map<string, Buffer>();
      let title = '';
      for (const { key, value } of lines) {
        if (key === 'header') title = value.summary ?? '';
        else if (key === 'file') files.set(value.path ?? '', Buffer.from(value.content ?? '', 'base64'));
        else if (key === 'lfsFile') {
          const bytes = lfs.get(value.oid ?? '');
          if (!bytes) return json(400, { error: `LFS object ${value.oid} was never uploaded` });
          files.set(value.path ?? '', bytes);
        }
      }
      commits.push({ repo: match[1], title, files });
      return json(200, { commitOid: 'c0ffee', commitUrl: `${base}/datasets/${match[1]}/commit/c0ffee` });
    }
    json(404, { error: `mock Hub has no ${req.method} ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    created,
    commits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
