/**
 * The webview's only channel to the extension host, plus the per-panel state VS Code keeps for us
 * across hide/show and reloads of the webview.
 */
import type { WebviewToHost } from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): unknown;
}

/** Injected by VS Code into every webview; throws if called a second time, hence the single module-level handle. */
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

/** Typed against the protocol so nothing the host would reject can be posted. */
export function post(message: WebviewToHost): void {
  api.postMessage(message);
}

/** What this panel persists. setState replaces the whole object, so every field lives here. */
interface SavedState {
  draft: string;
}

/** The unsent input text from before the panel was hidden or reloaded; '' when there is none. */
export function loadDraft(): string {
  const state = api.getState();
  if (typeof state === 'object' && state !== null && 'draft' in state && typeof state.draft === 'string') {
    return state.draft;
  }
  return '';
}

export function saveDraft(draft: string): void {
  const state: SavedState = { draft };
  api.setState(state);
}
