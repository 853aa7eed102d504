import { Command } from 'commander';
import { registerDashboardCommand } from './commands/dashboard.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerImportCommand } from './commands/import.ts';
import { registerPublishCommand } from './commands/publish.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerStatsCommand } from './commands/stats.ts';
import { registerTokenCommand } from './commands/token.ts';
import { version } from './support/version.ts';

// One file per command under commands/; this file only wires them.
const program = new Command('margin')
  .description('Margin companion: stores annotations from the extension and exports datasets.')
  .version(version);

registerServeCommand(program);
registerTokenCommand(program);
registerStatsCommand(program);
registerImportCommand(program);
registerExportCommand(program);
registerPublishCommand(program);
registerDashboardCommand(program);

program.parseAsync().catch((error: unknown) => {
  console.error(`margin: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
