/** JSON values as the validators see them (test/shared/export/validators.ts). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Obj = { [key: string]: Json };

export const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** Problems for keys of `row` outside `allowed` (a consumer that rejects unknown keys). */
export function unknownKeys(row: Obj, allowed: readonly string[], where: string, p: string[]): void {
  const extra = Object.keys(row).filter((key) => !allowed.includes(key));
  if (extra.length > 0) p.push(`${where}: unknown keys ${extra.join(',')}`);
}
