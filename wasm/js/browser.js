// Browser and bundler entry: fetches and instantiates the module at import
// (top-level await), so no init() call is needed.
import init from './narrative_keys_wasm.js';

await init({ module_or_path: new URL('./narrative_keys_wasm_bg.wasm', import.meta.url) });

export * from './core.js';
