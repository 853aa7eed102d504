import { readFileSync } from 'node:fs';
import { packagePath } from './package-root.ts';

const rootPackage = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };

/** The package version, shared by the CLI, the health route and the extension manifest. */
export const version: string = rootPackage.version;
