import type { Command } from 'commander';
import { DEFAULT_HUB_URL, publishDatasetDir } from '../dataset/hub-publish.ts';

interface PublishFlags {
  repo: string;
  hubUrl: string;
  public?: boolean;
  message?: string;
}

export function registerPublishCommand(program: Command): void {
  program
    .command('publish')
    .description('Upload a dataset folder (margin export --dataset-dir) to the Hugging Face Hub.')
    .argument('<dir>', 'the folder margin export --dataset-dir wrote')
    .requiredOption('--repo <owner/name>', 'the dataset repository; created when missing')
    .option('--public', 'make a new repository public (private by default)')
    .option('--hub-url <url>', 'the Hub to upload to (env HF_ENDPOINT)', process.env.HF_ENDPOINT ?? DEFAULT_HUB_URL)
    .option('--message <text>', 'the commit title')
    .addHelpText(
      'after',
      '\nThe token comes from HF_TOKEN (a Hugging Face token with write access). Only README.md and the data ' +
        'files its configs name are uploaded: the sidecars under provenance/ stay on this machine.',
    )
    .action(async (dir: string, flags: PublishFlags) => {
      const token = process.env.HF_TOKEN?.trim();
      if (!token)
        throw new Error(
          `set HF_TOKEN to a Hugging Face token with write access (create one at ${flags.hubUrl.replace(/\/$/, '')}/settings/tokens)`,
        );
      const result = await publishDatasetDir(dir, {
        repo: flags.repo,
        token,
        hubUrl: flags.hubUrl.replace(/\/$/, ''),
        isPublic: flags.public === true,
        commitTitle: flags.message,
      });
      console.log(
        `${result.created ? 'Created' : 'Updated'} ${result.repoUrl}${result.created && !flags.public ? ' (private)' : ''}: uploaded ${result.uploaded.join(', ')}`,
      );
      if (result.kept.length > 0) console.log(`Kept on this machine (not uploaded): ${result.kept.join(', ')}`);
    });
}
