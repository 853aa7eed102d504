import { Command } from 'commander';
import { registerAgreementCommand } from './commands/agreement.ts';
import { registerAuditCommand } from './commands/audit.ts';
import { registerBackupCommands } from './commands/backup.ts';
import { registerCopyCommand } from './commands/copy.ts';
import { registerDashboardCommand } from './commands/dashboard.ts';
import { registerDoctorCommand } from './commands/doctor.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerImportCommand } from './commands/import.ts';
import { registerImportHistoryCommand } from './commands/import-history.ts';
import { registerPublishCommand } from './commands/publish.ts';
import { registerPurgeCommand } from './commands/purge.ts';
import { registerQueueCommand } from './commands/queue.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerServiceCommand } from './commands/service.ts';
import { registerStatsCommand } from './commands/stats.ts';
import { registerTokenCommand } from './commands/token.ts';
import { registerUserCommand } from './commands/user.ts';
import { commandOptionHint } from './support/cli-hints.ts';
import { version } from './support/version.ts';

// `margin stats | head`: a reader that stops early closes the pipe; that ends the output, it is not
// a crash. Every command writes through these two streams, so this covers them all.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

// One file per command under commands/; this file only wires them.
const program = new Command('margin')
  .description('Margin companion: stores annotations from the extension and exports datasets.')
  .version(version);

registerServeCommand(program);
registerTokenCommand(program);
registerStatsCommand(program);
registerImportCommand(program);
registerImportHistoryCommand(program);
registerExportCommand(program);
registerPublishCommand(program);
registerDashboardCommand(program);
registerServiceCommand(program);
registerPurgeCommand(program);
registerUserCommand(program);
registerAuditCommand(program);
registerAgreementCommand(program);
registerQueueCommand(program);
registerCopyCommand(program);
registerDoctorCommand(program);
registerBackupCommands(program);

// After the commands exist (they keep their own output settings): `margin --explain` is an option of
// `margin export`, so say so.
program.configureOutput({
  outputError: (text, write) => write(`${text}${commandOptionHint(program, text)}`),
});

program.parseAsync().catch((error: unknown) => {
  console.error(`margin: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
