import { InvalidArgumentError } from 'commander';
import { parsePort } from '../support/config.ts';

/** Commander parser for `--port`: a clear message instead of NaN. */
export function portOption(raw: string): number {
  try {
    return parsePort(raw, '--port');
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
