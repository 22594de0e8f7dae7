// A React app that hosts <narrative-keys-panel> and listens to its events.
// The import registers the element; React renders it like any tag.
import 'narrative-keys/panel';
import { useEffect, useRef, useState } from 'react';

const EVENTS = ['created', 'updated', 'revoked', 'rotated', 'incident', 'error'];

/** What an event says, in a line; event details never hold a secret. */
function describe(name, detail) {
  switch (name) {
    case 'created': return `created “${detail.key.name}”`;
    case 'updated': return `updated “${detail.key.name}”`;
    case 'revoked': return `deleted “${detail.key.name}”`;
    case 'rotated': return `rotated “${detail.old.name}” (old key ${detail.oldKey})`;
    case 'incident': return `incident: ${detail.report.revoked.length} key(s) revoked`;
    default: return `error (${detail.code}): ${detail.message}`;
  }
}

export function App() {
  const panel = useRef(null);
  const [activity, setActivity] = useState([]);

  useEffect(() => {
    const el = panel.current;
    const listeners = EVENTS.map((name) => {
      const listener = (event) => setActivity((a) => [describe(name, event.detail), ...a].slice(0, 20));
      el.addEventListener(`narrative-keys:${name}`, listener);
      return [name, listener];
    });
    return () => listeners.forEach(([name, l]) => el.removeEventListener(`narrative-keys:${name}`, l));
  }, []);

  return (
    <div style={{ maxWidth: '72rem', margin: '0 auto', padding: '1rem 0.5rem', fontFamily: 'system-ui, sans-serif' }}>
      <header><h1 style={{ fontSize: '1.1rem' }}>Acme console · Settings</h1></header>
      <main>
        {/* The panel asks for a key at run time; an app holding a client sets panel.current.client instead. */}
        <narrative-keys-panel ref={panel} style={{ '--nk-accent': '#7c3aed', '--nk-radius': '10px' }} />
        <section aria-labelledby="activity-title">
          <h2 id="activity-title" style={{ fontSize: '1rem' }}>Activity</h2>
          {activity.length === 0 ? <p>Nothing yet.</p> : (
            <ul data-testid="activity">{activity.map((line, i) => <li key={activity.length - i}>{line}</li>)}</ul>
          )}
        </section>
      </main>
    </div>
  );
}
