import type { AgreementOptions, User } from '../../../shared/index.ts';

/**
 * The options with every user whose account says `kind: model` (an LLM judge added with
 * `margin user add NAME --kind model`) counted among `models`, beside any named with `--models`: a
 * judge's answers are then reported apart from the humans' without anyone having to list it.
 */
export async function withModelAnnotators<T extends Pick<AgreementOptions, 'models'>>(
  options: T,
  users: { list(): Promise<User[]> } | undefined,
): Promise<T> {
  const machines = (await users?.list())?.filter((user) => user.kind === 'model').map((user) => user.name) ?? [];
  if (machines.length === 0) return options;
  return { ...options, models: [...new Set([...(options.models ?? []), ...machines])] };
}
