/**
 * The site id of annotations made with the generic adapter (sites/generic.ts), on an origin the person
 * opted in for it. Its own module so the background can name it without bundling the adapter.
 */
export const GENERIC_SITE_ID = 'generic';
