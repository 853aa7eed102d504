#!/usr/bin/env node
// The `margin` command. In the repository the companion is TypeScript run through tsx, so what you edit
// is what runs: there is no build step to forget before `npx margin …`. The published package ships no
// TypeScript: `npm pack` compiles it to dist/ (prepack), and the installed command runs that on Node
// alone, without tsx or any other dev dependency.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

// An export of a million annotations makes garbage faster than anything else the companion does, and
// V8 lets its young generation grow to 16 MB semi-spaces for it: some 40 MB of peak RSS that is only
// garbage waiting to be collected (docs/benchmarks.md, Export). V8 sizes the young generation when the
// process starts (set later, the flag is ignored), so `margin export` starts Node again with a small one.
const YOUNG_GENERATION_FLAG = '--max-semi-space-size';
const EXPORT_SEMI_SPACE_MB = 2;
const CHILD_MARK = 'MARGIN_EXPORT_CHILD';

/** @param {readonly string[]} args */
const flagGiven = (args) => args.some((arg) => arg.startsWith(YOUNG_GENERATION_FLAG));
const inChild = process.env[CHILD_MARK] === '1';
delete process.env[CHILD_MARK]; // not for the processes this one starts

if (
  process.argv[2] === 'export' &&
  !inChild &&
  !flagGiven(process.execArgv) &&
  !flagGiven((process.env.NODE_OPTIONS ?? '').split(/\s+/))
) {
  runExportInChild();
} else {
  if (inChild) dieWithParent();
  await runCommand();
}

async function runCommand() {
  const source = new URL('../companion/src/cli.ts', import.meta.url);
  if (existsSync(source)) {
    const { register } = await import('tsx/esm/api');
    register();
    await import(source.href);
  } else {
    await import(new URL('../dist/companion/src/cli.js', import.meta.url).href);
  }
}

/**
 * The export in a child Node with the small young generation, on the same stdin, stdout and stderr
 * (nothing is copied through this process). Signals sent to this process reach the child, whose
 * export removes its temporary files; this process then ends as the child did (same exit code, or
 * the same signal).
 */
function runExportInChild() {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      `${YOUNG_GENERATION_FLAG}=${EXPORT_SEMI_SPACE_MB}`,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: { ...process.env, [CHILD_MARK]: '1' } },
  );
  /** @type {NodeJS.Signals[]} */
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  /** @param {NodeJS.Signals} signal */
  const forward = (signal) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  child.once('error', (error) => {
    console.error(`margin: cannot start the export: ${error.message}`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => {
    for (const name of signals) process.off(name, forward);
    if (signal === null) process.exit(code ?? 1);
    process.kill(process.pid, signal);
    // A signal this process does not die of (SIGINT under some shells' job control) still ends it.
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 1000);
  });
}

/**
 * A SIGKILL of the parent (a supervisor stopping `margin export`) must stop the export as it would have
 * stopped it before the child existed: at once, no file put in place. The IPC channel closes when the
 * parent dies, whatever killed it.
 */
function dieWithParent() {
  if (!process.channel) return;
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  process.channel.unref(); // the channel alone must not keep the export running once it is done
}
