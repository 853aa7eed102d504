import type { Command } from 'commander';

/**
 * For "error: unknown option '--explain'" from `margin` itself: the commands that have that option,
 * as a line to add (`(--explain belongs to a command: margin export --explain)`), or ''.
 */
export function commandOptionHint(program: Command, errorText: string): string {
  const flag = /unknown option '(--?[^'=\s]+)/.exec(errorText)?.[1];
  if (flag === undefined) return '';
  const owners = program.commands.filter((command) =>
    command.options.some((option) => option.long === flag || option.short === flag),
  );
  if (owners.length === 0) return '';
  if (owners.length <= 2) {
    return `(${flag} belongs to a command: ${owners.map((command) => `margin ${command.name()} ${flag}`).join(' or ')})\n`;
  }
  const names = owners.map((command) => command.name()).join(', ');
  return `(${flag} belongs to the commands ${names}: put it after the command, as in "margin ${owners[0]?.name()} ${flag} …")\n`;
}
