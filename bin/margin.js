#!/usr/bin/env node
// The `margin` command. The companion is TypeScript run through tsx, so what you edit is what runs:
// there is no build step to forget before `npx margin …`.
import { register } from 'tsx/esm/api';

register();
await import('../companion/src/cli.ts');
