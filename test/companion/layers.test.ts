import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const companionSrc = fileURLToPath(new URL('../../companion/src/', import.meta.url));
const routesDir = resolve(companionSrc, 'routes');
const commandsDir = resolve(companionSrc, 'commands');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => resolve(entry.parentPath, entry.name));
}

const isInside = (dir: string, path: string) => !relative(dir, path).startsWith('..');

/**
 * Every module a file names: static imports, `export … from`, side-effect imports and `import()`,
 * as TypeScript's own scanner reads them (comments and strings that merely look like imports are not).
 */
function importedPaths(file: string, source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier));
}

/** `file -> imported file` for each import of a file in one front door that reaches into the other. */
function crossings(files: { path: string; source: string }[]): string[] {
  const found: string[] = [];
  for (const { path, source } of files) {
    const other = isInside(routesDir, path) ? commandsDir : isInside(commandsDir, path) ? routesDir : null;
    if (other === null) continue;
    for (const target of importedPaths(path, source)) {
      if (isInside(other, target)) found.push(`${relative(companionSrc, path)} -> ${relative(companionSrc, target)}`);
    }
  }
  return found;
}

const frontDoorFiles = [...sourceFiles(routesDir), ...sourceFiles(commandsDir)].map((path) => ({
  path,
  source: readFileSync(path, 'utf8'),
}));

// Routes (HTTP) and commands (CLI) are two front doors onto the same modules (dataset/, storage/, …):
// neither may lean on the other, so either can change without breaking the other.
describe('companion front doors', () => {
  it('finds the route and command files and reads their imports', () => {
    expect(frontDoorFiles.some((file) => file.path === resolve(routesDir, 'export.ts'))).toBe(true);
    expect(frontDoorFiles.some((file) => file.path === resolve(commandsDir, 'export.ts'))).toBe(true);
    const exportCommand = frontDoorFiles.find((file) => file.path === resolve(commandsDir, 'export.ts'));
    expect(importedPaths(exportCommand?.path ?? '', exportCommand?.source ?? '')).toContain(
      resolve(companionSrc, 'dataset', 'export-run.ts'),
    );
  });

  it('no route imports a command and no command imports a route', () => {
    expect(crossings(frontDoorFiles)).toEqual([]);
  });

  it('catches every form of import across the wall, and nothing else', () => {
    const file = (dir: string, name: string, source: string) => ({ path: resolve(dir, name), source });
    const found = crossings([
      file(routesDir, 'a.ts', "import { importAnnotations } from '../commands/import.ts';"),
      file(routesDir, 'nested/b.ts', "export { x } from '../../commands/export.ts';"),
      file(commandsDir, 'c.ts', "const m = await import('../routes/export.ts');"),
      file(commandsDir, 'd.ts', "import type { X } from './../routes/backup.ts';\nimport '../routes/health.ts';"),
      // Not crossings: a front door's own folder, shared modules, and text that only looks like an import.
      file(routesDir, 'e.ts', "import { y } from './export.ts';\nimport { z } from '../dataset/export-run.ts';"),
      file(commandsDir, 'f.ts', "// import { r } from '../routes/export.ts';\nconst s = \"from '../routes/x.ts'\";"),
      file(companionSrc, 'app.ts', "import { exportRouter } from './routes/export.ts';"),
    ]);
    expect(found).toEqual([
      'routes/a.ts -> commands/import.ts',
      'routes/nested/b.ts -> commands/export.ts',
      'commands/c.ts -> routes/export.ts',
      'commands/d.ts -> routes/backup.ts',
      'commands/d.ts -> routes/health.ts',
    ]);
  });
});
