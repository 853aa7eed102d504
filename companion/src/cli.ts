import { Command } from 'commander';
import { registerServeCommand } from './commands/serve.ts';
import { version } from './version.ts';

// One file per command under commands/; this file only wires them.
const program = new Command('margin')
  .description('Margin companion: stores annotations from the extension and exports datasets.')
  .version(version);

registerServeCommand(program);

program.parseAsync().catch((error: unknown) => {
  console.error(`margin: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
