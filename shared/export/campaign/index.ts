export * from './aggregate.ts';
export * from './campaign-inputs.ts';
export * from './campaign-sidecar.ts';
export * from './item-agreement.ts';
