// One import registers <narrative-keys-panel>; the page needs nothing else.
import 'narrative-keys/panel';

// The host app may listen to what happens; no event carries a secret.
for (const name of ['created', 'updated', 'revoked', 'rotated', 'incident', 'error']) {
  document.addEventListener(`narrative-keys:${name}`, (event) => console.info(`narrative-keys:${name}`, event.detail));
}
