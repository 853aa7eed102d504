import { readFileSync } from 'node:fs';

const rootPackage = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The package version, shared by the CLI, the health route and the extension manifest. */
export const version: string = rootPackage.version;
