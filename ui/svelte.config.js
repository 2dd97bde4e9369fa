// Svelte 5 reads TypeScript in <script lang="ts"> by itself: nothing to preprocess.
export default {};
