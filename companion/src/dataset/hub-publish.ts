import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export const DEFAULT_HUB_URL = 'https://huggingface.co';
const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface PublishSettings {
  /** `OWNER/NAME` of the dataset repository (created when missing). */
  repo: string;
  /** A Hugging Face token with write access (the command reads HF_TOKEN). */
  token: string;
  hubUrl: string;
  /** Private unless asked: a dataset of people's judgements is not public by default. */
  isPublic: boolean;
  commitTitle?: string;
}

export interface PublishResult {
  repoUrl: string;
  /** Paths uploaded, README.md first. */
  uploaded: string[];
  /** Files in the folder that were not uploaded (the sidecars under provenance/, anything else). */
  kept: string[];
  created: boolean;
}

/** The data files a dataset card's `configs` name, in order, without duplicates. */
export async function cardDataFiles(card: string): Promise<string[]> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(card);
  if (!match) throw new Error('README.md has no YAML front matter (--- … ---) naming the data files');
  // Loaded here, not at start-up: every other margin command would pay for it.
  const { parse } = await import('yaml');
  const front = parse(match[1] ?? '') as { configs?: { data_files?: unknown }[] } | null;
  const paths: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') paths.push(value);
    else if (Array.isArray(value)) for (const item of value) collect(item);
    else if (value && typeof value === 'object' && 'path' in value) collect((value as { path: unknown }).path);
  };
  for (const config of front?.configs ?? []) collect(config.data_files);
  if (paths.length === 0) throw new Error('README.md names no data files (configs → data_files)');
  return [...new Set(paths)];
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? listFiles(dir, path) : [path];
  });
}

/** Why the Hub refused, in words a person can act on. */
function hubError(error: unknown, step: string, settings: PublishSettings): Error {
  const status = (error as { statusCode?: number }).statusCode;
  const detail = error instanceof Error ? error.message : String(error);
  if (status === 401)
    return new Error(
      `the Hub at ${settings.hubUrl} rejected the token in HF_TOKEN while trying to ${step} (401): create a token with write access at ${settings.hubUrl}/settings/tokens and set HF_TOKEN to it (${detail})`,
    );
  if (status === 403)
    return new Error(
      `the token in HF_TOKEN may not ${step} ${settings.repo} (403): it needs write access to that namespace (${detail})`,
    );
  return new Error(`could not ${step} ${settings.repo} on ${settings.hubUrl}: ${detail}`);
}

/**
 * `margin publish DIR --repo OWNER/NAME`: creates the dataset repository (private unless asked) and
 * uploads the card and the data files it names, in one commit, with the Hub's own client. Nothing
 * else in the folder goes up: the sidecars under provenance/ name annotators and hold their comments.
 */
export async function publishDatasetDir(folder: string, settings: PublishSettings): Promise<PublishResult> {
  const dir = resolve(folder);
  if (!REPO_NAME.test(settings.repo)) throw new Error(`--repo must be OWNER/NAME, not "${settings.repo}"`);
  const cardPath = join(dir, 'README.md');
  if (!existsSync(cardPath))
    throw new Error(`${dir} has no README.md: write the folder with \`margin export … --dataset-dir ${dir}\``);
  const card = readFileSync(cardPath, 'utf8');
  const dataFiles = await cardDataFiles(card);
  for (const path of dataFiles) {
    const full = resolve(dir, path);
    if (path.includes('*')) throw new Error(`README.md names "${path}": publish uploads named files, not patterns`);
    if (!full.startsWith(dir + sep)) throw new Error(`README.md names "${path}", outside ${dir}`);
    if (!existsSync(full) || !statSync(full).isFile())
      throw new Error(`README.md names ${path}, which is not in ${dir}`);
  }
  const { createRepo, uploadFiles } = await import('@huggingface/hub');
  const repo = { type: 'dataset' as const, name: settings.repo };
  const credentials = { accessToken: settings.token, hubUrl: settings.hubUrl };
  let created = true;
  try {
    await createRepo({ repo, ...credentials, visibility: settings.isPublic ? 'public' : 'private' });
  } catch (error) {
    // 409: the repository exists already; publishing again makes a new commit on it.
    if ((error as { statusCode?: number }).statusCode !== 409) throw hubError(error, 'create', settings);
    created = false;
  }
  // The card's load snippet names the repository it now lives in.
  const published = card.replaceAll('load_dataset("OWNER/NAME")', `load_dataset(${JSON.stringify(settings.repo)})`);
  const files = [
    { path: 'README.md', content: new Blob([published]) },
    ...dataFiles.map((path) => ({ path, content: pathToFileURL(join(dir, path)) })),
  ];
  try {
    await uploadFiles({
      repo,
      ...credentials,
      files,
      commitTitle: settings.commitTitle ?? `Upload ${dataFiles.length} data file(s) from Margin`,
    });
  } catch (error) {
    throw hubError(error, 'upload to', settings);
  }
  const uploaded = ['README.md', ...dataFiles];
  const kept = listFiles(dir).filter((path) => !uploaded.includes(path));
  return { repoUrl: `${settings.hubUrl}/datasets/${settings.repo}`, uploaded, kept, created };
}
