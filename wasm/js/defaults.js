// Client option defaults by platform: Node reads NARRATIVE_API_KEY and
// NARRATIVE_ENVIRONMENT, as Narrative's own TypeScript SDK does; browsers have none.
let source = () => ({});

export function defaults() {
  return source();
}

export function setDefaults(fn) {
  source = fn;
}
