// Types of `narrative-keys/panel`: importing it registers <narrative-keys-panel>.
import type { ApiKey, IncidentReport, NarrativeKeys, OldKeyOutcome } from './index.js';

/** The API Keys settings page as a custom element. Credentials never go through an attribute. */
export declare class NarrativeKeysPanel extends HTMLElement {
  /** `prod` (default), `dev` or a base URL (`https://`, or `http://` only to localhost, 127.0.0.0/8 or [::1]); also the `environment` attribute. Used by `connect` and the paste form. */
  environment: string | undefined;
  /** Hides every write action (the `readonly` attribute). */
  readonly: boolean;
  /** A client the app already built; setting it loads the list. */
  client: NarrativeKeys | null;
  /** Builds a client held in memory only and loads the list; resolves to whether that worked. The current client is replaced only when it did. */
  connect(credentials: { apiKey: string; environment?: string }): Promise<boolean>;
  /** Forgets the client and its credentials. */
  disconnect(): void;
  /** Reloads the list; resolves to whether that worked. */
  refresh(): Promise<boolean>;
}

/** The `detail` of each event; none holds a secret. */
export interface NarrativeKeysPanelEventMap {
  'narrative-keys:created': CustomEvent<{ key: ApiKey }>;
  'narrative-keys:updated': CustomEvent<{ key: ApiKey }>;
  'narrative-keys:revoked': CustomEvent<{ key: ApiKey }>;
  /** Once the new secret is delivered (copied, or stored as confirmed) and the old key dealt with. */
  'narrative-keys:rotated': CustomEvent<{ old: ApiKey; new: ApiKey; oldKey: OldKeyOutcome }>;
  'narrative-keys:incident': CustomEvent<{ report: Omit<IncidentReport, 'markdown'> }>;
  'narrative-keys:error': CustomEvent<{ code: string; message: string }>;
}

declare global {
  interface HTMLElementTagNameMap {
    'narrative-keys-panel': NarrativeKeysPanel;
  }
  interface HTMLElementEventMap extends NarrativeKeysPanelEventMap {}
}
