import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const sharedDir = fileURLToPath(new URL('../../shared/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => `${entry.parentPath}/${entry.name}`);
}

// shared/ runs in the extension, the companion and the browser: it may import zod and itself only.
describe('shared/ stays pure', () => {
  it.each(sourceFiles(sharedDir))('%s imports only zod and relative files', (file) => {
    const source = readFileSync(file, 'utf8');
    // TypeScript's own scanner finds the imports and exports (static and dynamic), so a message that
    // reads `fill from "annotations"` is not taken for one.
    const specifiers = ts.preProcessFile(source, true, true).importedFiles.map((imported) => imported.fileName);
    // Relative imports are fine as long as they resolve inside shared/.
    const staysInShared = (specifier: string) =>
      specifier.startsWith('.') && !relative(sharedDir, resolve(dirname(file), specifier)).startsWith('..');
    const foreign = specifiers.filter((specifier) => specifier !== 'zod' && !(specifier && staysInShared(specifier)));
    expect(foreign).toEqual([]);
    expect(source).not.toMatch(/\b(document|window|process|globalThis\.chrome)\./);
  });
});
