/** Tack: Switch Model — a quick pick of the models each configured endpoint lists, grouped by provider. */
import * as vscode from 'vscode';
import { listEndpoints, listModels, type KeySource, type Logger, type ModelListing } from '../core/index';
import { readSettings } from './settings';

interface ModelItem extends vscode.QuickPickItem {
  ref?: string;
  manual?: boolean;
}

function itemsFor(listings: ModelListing[], current: string): ModelItem[] {
  const items: ModelItem[] = [];
  for (const l of listings) {
    items.push({ label: `${l.endpoint.label} — ${l.endpoint.baseUrl}`, kind: vscode.QuickPickItemKind.Separator });
    for (const m of l.models) {
      const ref = `${l.endpoint.id}/${m}`;
      items.push({ label: m, description: ref === current ? `${l.endpoint.label} · current` : l.endpoint.label, ref });
    }
    if (l.error) items.push({ label: `$(debug-disconnect) ${l.error}`, description: 'not reachable', alwaysShow: false });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(edit) Enter a model as <provider>/<model>…', manual: true, alwaysShow: true });
  return items;
}

/** Shows the picker; resolves to the chosen `<provider>/<model>`, or undefined when dismissed. */
export async function pickModel(keys: KeySource, log: Logger, current: string): Promise<string | undefined> {
  const settings = readSettings();
  const { endpoints, errors } = listEndpoints(settings);
  for (const e of errors) log.warn(e);
  const qp = vscode.window.createQuickPick<ModelItem>();
  qp.title = 'Tack: Switch Model';
  qp.placeholder = 'Loading models from each provider…';
  qp.matchOnDescription = true;
  qp.busy = true;
  qp.items = itemsFor([], current);
  const cts = new AbortController();
  const loading = Promise.all(endpoints.map(async e => listModels(e, await keys.getKey(e.id), settings.network, cts.signal)))
    .then(listings => {
      qp.items = itemsFor(listings, current);
      qp.busy = false;
      qp.placeholder = listings.some(l => l.models.length) ? 'Choose the model for the next message' : 'No provider answered — enter a model manually, or start your local server';
    });
  const choice = await new Promise<ModelItem | undefined>(resolve => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  cts.abort();
  qp.dispose();
  void loading.catch(() => undefined);
  if (!choice) return undefined;
  if (choice.manual) {
    return vscode.window.showInputBox({
      title: 'Tack: Switch Model',
      prompt: 'Model as <provider>/<model>, e.g. ollama/qwen3:8b',
      value: current,
      validateInput: v => (/^[^/\s]+\/\S+/.test(v.trim()) ? undefined : 'Write it as <provider>/<model>'),
    }).then(v => v?.trim() || undefined);
  }
  return choice.ref;
}
