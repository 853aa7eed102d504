import { API } from '../../../shared/api/index.ts';
import type { ImportRun, ImportStart } from '../../../shared/history.ts';
import { api } from './api.ts';

/** 4 MiB of file per request: about 5.5 MB of JSON once in base64, far under the body limit. */
const CHUNK_BYTES = 4 * 1024 * 1024;
const RETRIES = 3;

function base64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Sends a file to the companion a chunk at a time (the file is read slice by slice, never whole),
 * reporting the bytes sent; a chunk that fails is sent again a few times before giving up. Resolves
 * with the upload's id once the companion holds every byte.
 */
export async function uploadExport(
  file: File,
  onProgress: (sent: number) => void,
  signal: AbortSignal,
): Promise<string> {
  const upload = await api(API.history.createUpload, { body: { fileName: file.name, size: file.size } }, signal);
  let offset = 0;
  while (offset < file.size) {
    const slice = new Uint8Array(await file.slice(offset, offset + CHUNK_BYTES).arrayBuffer());
    const data = base64(slice);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const sent = await api(API.history.appendChunk, { params: { id: upload.id }, body: { offset, data } }, signal);
        offset = sent.received;
        break;
      } catch (error) {
        if (signal.aborted || attempt >= RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
    onProgress(offset);
  }
  return upload.id;
}

export async function startImport(uploadId: string, options: Partial<ImportStart>): Promise<ImportRun> {
  return api(API.history.startImport, { params: { id: uploadId }, body: options });
}

/** Follows a run until it ends, calling `onRun` with each state seen. */
export async function followRun(id: string, onRun: (run: ImportRun) => void, signal: AbortSignal): Promise<ImportRun> {
  for (;;) {
    const run = await api(API.history.run, { params: { id } }, signal);
    onRun(run);
    if (run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
