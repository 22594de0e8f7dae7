// Type-checked use of narrative-keys/panel: the element, its methods and its events.
import 'narrative-keys/panel';
import type { NarrativeKeysPanel } from 'narrative-keys/panel';
import { NarrativeKeys, type ApiKey } from 'narrative-keys';

export async function host(root: ParentNode): Promise<void> {
  const panel: NarrativeKeysPanel | null = root.querySelector('narrative-keys-panel');
  if (!panel) return;
  panel.environment = 'dev';
  panel.readonly = false;
  const ok: boolean = await panel.connect({ apiKey: 'pasted at run time' });
  panel.client = new NarrativeKeys({ apiKey: 'k' });
  if (ok) await panel.refresh();
  panel.addEventListener('narrative-keys:created', (e) => { const key: ApiKey = e.detail.key; void key; });
  panel.addEventListener('narrative-keys:rotated', (e) => { const outcome: string = e.detail.oldKey; void outcome; });
  panel.addEventListener('narrative-keys:incident', (e) => { const n: number = e.detail.report.revoked.length; void n; });
  panel.addEventListener('narrative-keys:error', (e) => { const m: string = `${e.detail.code}: ${e.detail.message}`; void m; });
  panel.disconnect();
}
