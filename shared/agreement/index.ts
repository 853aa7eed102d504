export * from './bootstrap.ts';
export * from './cohen-kappa.ts';
export * from './coincidence.ts';
export * from './fleiss-kappa.ts';
export * from './krippendorff-alpha.ts';
export * from './percent-agreement.ts';
export * from './values.ts';
