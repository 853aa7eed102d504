// The rule is pure and shared with the extension, which applies it to the versions it pulls.
export { compareVersions, type VersionKey } from '../../../shared/conflict-rule.ts';
