import { defineUnlistedScript } from '#imports';
import { takePageSnapshot } from '../snapshot/take-snapshot.ts';

// Injected into a chat tab by the background on "Report a broken page" (background/snapshot-tab.ts);
// its return value is the injection's result.
export default defineUnlistedScript(() => takePageSnapshot(document, location.host));
