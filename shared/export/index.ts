export * from './engine.ts';
export * from './example.ts';
export * from './explain.ts';
export * from './formats/index.ts';
export * from './hash.ts';
export * from './redact.ts';
export * from './rules.ts';
export * from './sidecar.ts';
