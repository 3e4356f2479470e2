// Replaced at build time by build.mjs (esbuild `define`): the hashed files and their SRI.
declare const __WASM_URL__: string
declare const __WASM_INTEGRITY__: string
declare const __WORKER_URL__: string
declare const __RELEASE__: string
