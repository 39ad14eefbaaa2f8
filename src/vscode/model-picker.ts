/**
 * Tack: Switch Model — models of every configured provider, grouped by provider, with context window, price and
 * quantization where known; starred and recent models first. Providers that need a key and have none show
 * "set key" instead of failing.
 */
import * as vscode from 'vscode';
import {
  listEndpoints, listModels, quantizationLabel, type KeySource, type Logger, type ModelInfo, type ModelListing, type TackSettings,
} from '../core/index';
import type { ModelChoice } from './model-choice';
import { formatTokens } from './status-bar';

interface ModelItem extends vscode.QuickPickItem {
  ref?: string;
  setKeyFor?: string;
  manual?: boolean;
}

const STAR = new vscode.ThemeIcon('star-empty');
const STARRED = new vscode.ThemeIcon('star-full');

export function describe(m: ModelInfo): string {
  const parts: string[] = [];
  if (m.contextWindow) parts.push(`${formatTokens(m.contextWindow)} ctx`);
  if (m.price) parts.push(`$${m.price.input}/$${m.price.output} per M`);
  if (m.quantization) parts.push(quantizationLabel(m.quantization));
  if (m.capabilities?.tools) parts.push('tools');
  if (m.capabilities?.vision) parts.push('vision');
  if (m.capabilities?.reasoning) parts.push('reasoning');
  return parts.join(' · ');
}

/** Every configured provider's models (core caches cloud lists; Tack: Refresh Models clears that cache). */
async function loadListings(settings: TackSettings, keys: KeySource, log: Logger): Promise<ModelListing[]> {
  const { endpoints, errors } = listEndpoints(settings);
  for (const e of errors) log.warn(e);
  return Promise.all(endpoints.map(async e => listModels(e, await keys.getKey(e.id).catch(() => undefined), settings.network, { log })));
}

function itemsFor(listings: ModelListing[], choice: ModelChoice, current: string, configured: ReadonlySet<string>): ModelItem[] {
  const starred = choice.starred();
  const recent = choice.recent();
  const byRef = new Map<string, ModelItem>();
  const item = (l: ModelListing, m: ModelInfo): ModelItem => {
    const ref = `${l.endpoint.id}/${m.id}`;
    const it: ModelItem = {
      label: m.id,
      description: `${l.endpoint.label}${ref === current ? ' · current' : ''}`,
      detail: describe(m) || undefined,
      ref,
      buttons: [{ iconPath: starred.includes(ref) ? STARRED : STAR, tooltip: starred.includes(ref) ? 'Unstar' : 'Star (Cycle Starred Models goes through these)' }],
    };
    byRef.set(ref, it);
    return it;
  };
  const groups: ModelItem[] = [];
  for (const l of listings) {
    // Local presets that are not running are left out quietly: the user never configured them.
    if (l.error && !l.needsKey && l.endpoint.local && l.infos.length === 0 && !configured.has(l.endpoint.id)) continue;
    groups.push({ label: `${l.endpoint.label} — ${l.endpoint.baseUrl}`, kind: vscode.QuickPickItemKind.Separator });
    if (l.needsKey) groups.push({ label: `$(key) Set API key for ${l.endpoint.label}…`, description: l.infos.length ? `${l.infos.length} known models` : '', setKeyFor: l.endpoint.id });
    else for (const m of l.infos) groups.push(item(l, m));
    if (l.error && !l.needsKey) groups.push({ label: `$(debug-disconnect) ${l.error}`, description: 'not reachable' });
  }
  const pinned = [...starred, ...recent.filter(r => !starred.includes(r))].map(r => byRef.get(r)).filter((i): i is ModelItem => !!i);
  const top: ModelItem[] = pinned.length
    ? [{ label: 'Starred and recent', kind: vscode.QuickPickItemKind.Separator }, ...pinned.map(i => ({ ...i }))]
    : [];
  return [...top, ...groups,
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(edit) Enter a model as <provider>/<model>…', manual: true, alwaysShow: true }];
}

/** Shows the picker; resolves to the chosen `<provider>/<model>`, or undefined when dismissed. */
export async function pickModel(settings: TackSettings, keys: KeySource, log: Logger, choice: ModelChoice, current: string): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<ModelItem>();
  qp.title = 'Tack: Switch Model';
  qp.placeholder = 'Loading models from each provider…';
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.busy = true;
  let listings: ModelListing[] = [];
  const configured = new Set(Object.keys(settings.providers));
  const render = () => { qp.items = itemsFor(listings, choice, current, configured); };
  render();
  void loadListings(settings, keys, log).then(l => {
    listings = l;
    render();
    qp.busy = false;
    qp.placeholder = l.some(x => x.infos.length && !x.needsKey) ? 'Choose the model for the next message' : 'No provider answered — enter a model manually, or start your local server';
  });
  qp.onDidTriggerItemButton(async e => {
    if (e.item.ref) { await choice.toggleStar(e.item.ref); render(); }
  });
  const picked = await new Promise<ModelItem | undefined>(resolve => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!picked) return undefined;
  if (picked.setKeyFor) {
    await vscode.commands.executeCommand<boolean>('tack.setApiKey', picked.setKeyFor);
    return undefined;
  }
  if (picked.manual) {
    const v = await vscode.window.showInputBox({
      title: 'Tack: Switch Model',
      prompt: 'Model as <provider>/<model>, e.g. ollama/qwen3:8b',
      value: current,
      validateInput: s => (/^[^/\s]+\/\S+/.test(s.trim()) ? undefined : 'Write it as <provider>/<model>'),
    });
    return v?.trim() || undefined;
  }
  return picked.ref;
}
