// The renderer's way to shared/bidi.ts (isolating remote text; see components/RemoteText.svelte).
export { balanceBidi, isolate } from '$shared/bidi.js';
