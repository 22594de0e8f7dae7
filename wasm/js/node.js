// Node entry: compiles the module synchronously at import (no init() call needed).
import { readFileSync } from 'node:fs';
import { initSync } from './narrative_keys_wasm.js';
import { setDefaults } from './defaults.js';

initSync({ module: readFileSync(new URL('./narrative_keys_wasm_bg.wasm', import.meta.url)) });
setDefaults(() => {
  const d = {};
  if (process.env.NARRATIVE_API_KEY) d.apiKey = process.env.NARRATIVE_API_KEY;
  if (process.env.NARRATIVE_ENVIRONMENT) d.environment = process.env.NARRATIVE_ENVIRONMENT;
  return d;
});

export * from './core.js';
