export * from './engine.ts';
export * from './explain.ts';
export * from './formats.ts';
export * from './hash.ts';
export * from './redact.ts';
export * from './rules.ts';
