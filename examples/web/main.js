import { NarrativeKeys, catalog, isNarrativeKeysError, keyStatus, presets, validateNewKey } from 'narrative-keys';

const $ = (id) => document.getElementById(id);
let client = null;

const STATUS_LABEL = { active: 'active', expiring_soon: 'expiring soon', expired: 'expired', no_expiration: 'no expiration' };

function say(text, isError = false) {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : '';
}

function explainError(e) {
  if (!isNarrativeKeysError(e)) return String(e);
  return `${e.description ?? e.message}${e.status ? ` (HTTP ${e.status})` : ''}`;
}

// Permission checkboxes from the catalog; a preset ticks its boxes.
for (const entry of catalog()) {
  for (const access of ['read', 'write']) {
    if (!entry[access]) continue;
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = `${access}:${entry.resource}`;
    label.append(box, ` ${access} ${entry.displayName}`);
    $('permissions').append(label);
  }
}
for (const p of presets()) {
  if (p.takesResources) continue;
  $('preset').append(new Option(`${p.title}: ${p.description}`, p.name));
}
$('preset').addEventListener('change', () => {
  const chosen = presets().find((p) => p.name === $('preset').value);
  const wanted = new Set((chosen?.permissions ?? []).map((p) => `${p.access}:${p.resource}`));
  for (const box of $('permissions').querySelectorAll('input')) box.checked = wanted.has(box.value);
});

async function refresh() {
  const keys = await client.listKeys();
  const rows = keys.map((k) => {
    const tr = document.createElement('tr');
    tr.dataset.id = k.id;
    const status = keyStatus(k);
    const cells = [
      k.name,
      k.permissions.map((p) => `${p.access}:${p.resource}`).join(', '),
      k.expiresAt ? new Date(k.expiresAt).toLocaleString() : 'never',
    ];
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    tr.children[1].className = 'perm';
    const st = document.createElement('td');
    st.innerHTML = `<span class="status status-${status}"></span>`;
    st.firstChild.textContent = STATUS_LABEL[status];
    const act = document.createElement('td');
    const revoke = document.createElement('button');
    revoke.type = 'button';
    revoke.textContent = 'Revoke';
    revoke.className = 'revoke';
    revoke.addEventListener('click', () => revokeKey(k));
    act.append(revoke);
    tr.append(st, act);
    return tr;
  });
  $('keys').replaceChildren(...rows);
  say(`${keys.length} key(s)`);
}

async function revokeKey(k) {
  if (!window.confirm(`Revoke "${k.name}"? Anything using it stops working at once. This cannot be undone.`)) return;
  try {
    await client.revokeKey(k.id);
    say(`Revoked "${k.name}".`);
    await refresh();
  } catch (e) {
    say(explainError(e), true);
  }
}

$('connect').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    client = new NarrativeKeys({ apiKey: $('api-key').value.trim(), environment: $('base-url').value.trim() });
    await refresh();
    $('keys-section').hidden = false;
    $('create-section').hidden = false;
  } catch (e) {
    say(explainError(e), true);
  }
});

$('refresh').addEventListener('click', () => refresh().catch((e) => say(explainError(e), true)));

$('create').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = {
    name: $('name').value,
    permissions: [...$('permissions').querySelectorAll('input:checked')].map((b) => b.value),
    expiresAt: $('expires').value,
  };
  const report = validateNewKey(input);
  $('problems').replaceChildren(...report.problems.map((p) => {
    const li = document.createElement('li');
    li.textContent = `${p.severity === 'error' ? '' : 'Note: '}${p.message}`;
    return li;
  }));
  if (!report.valid) return;
  try {
    const { key, secret } = await client.createKey(input);
    $('secret').textContent = secret;
    $('secret-box').hidden = false;
    $('create').reset();
    say(`Created "${key.name}".`);
    await refresh();
  } catch (e) {
    say(explainError(e), true);
  }
});

$('copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('secret').textContent);
    $('copy').textContent = 'Copied';
  } catch {
    $('copy').textContent = 'Copy failed: select the text';
  }
});

$('dismiss').addEventListener('click', () => {
  $('secret').textContent = '';
  $('secret-box').hidden = true;
  $('copy').textContent = 'Copy';
});
