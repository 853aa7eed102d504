export * from './annotation.ts';
export * from './api-error.ts';
export * from './comparison.ts';
export * from './export-options.ts';
export * from './fields.ts';
export * from './limits.ts';
export * from './message.ts';
export * from './sync.ts';
