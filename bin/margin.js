#!/usr/bin/env node
// The `margin` command. In the repository the companion is TypeScript run through tsx, so what you edit
// is what runs: there is no build step to forget before `npx margin …`. The published package ships no
// TypeScript: `npm pack` compiles it to dist/ (prepack), and the installed command runs that on Node
// alone, without tsx or any other dev dependency.
import { existsSync } from 'node:fs';

const source = new URL('../companion/src/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/companion/src/cli.js', import.meta.url).href);
}
