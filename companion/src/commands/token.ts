import type { Command } from 'commander';
import { defaultDataDir } from '../support/config.ts';
import { ensureDataDir } from '../support/data-dir.ts';
import { readOrCreateToken, rotateToken, tokenPath } from '../support/token.ts';

export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description("Print the pairing token to paste into the extension's options (created on first use).")
    .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
    .option('--rotate', 'replace the token with a new one; paired browsers must be given the new token')
    .addHelpText(
      'after',
      '\nThe token is stored user-only (mode 0600). A running companion picks up a rotated token at once.',
    )
    .action((options: { dataDir?: string; rotate?: boolean }) => {
      const dataDir = options.dataDir ?? defaultDataDir();
      ensureDataDir(dataDir);
      if (options.rotate) {
        const token = rotateToken(dataDir);
        console.error(`New token written to ${tokenPath(dataDir)}; the old one no longer works.`);
        console.log(token);
        return;
      }
      console.log(readOrCreateToken(dataDir));
    });
}
