/** Tack: Switch Profile — the resolved profiles (built-in, user, workspace) with what each one sets. */
import * as vscode from 'vscode';
import type { ResolvedProfile } from '../core/index';
import type { ProfilesHost } from './profiles-host';

interface ProfileItem extends vscode.QuickPickItem {
  name?: string;
  openFile?: boolean;
}

function detailOf(p: ResolvedProfile): string {
  const parts: string[] = [];
  if (p.model) parts.push(p.model);
  if (p.reasoning) parts.push(`reasoning ${p.reasoning}`);
  if (p.numCtx) parts.push(`num_ctx ${p.numCtx}`);
  const denied = Object.entries(p.tools).filter(([, v]) => v === 'deny').map(([k]) => k);
  if (denied.length) parts.push(`denies ${denied.join(', ')}`);
  if (p.allowedProviders) parts.push(`only ${p.allowedProviders.join(', ')}`);
  if (p.budget?.sessionUsd !== undefined) parts.push(`budget $${p.budget.sessionUsd}`);
  if (p.expectQuantization.length) parts.push(`expects ${p.expectQuantization.join('/')}`);
  return parts.join(' · ');
}

/** Resolves to the chosen profile name, or undefined when dismissed (or when the file was opened instead). */
export async function pickProfile(host: ProfilesHost): Promise<string | undefined> {
  const r = host.current.resolved;
  const active = host.active().name;
  const items: ProfileItem[] = r.names.map(n => {
    const p = r.profiles[n];
    return {
      label: `${n === active ? '$(check) ' : ''}${n}`,
      description: `${p.source}${n === r.defaultProfile ? ' · default' : ''}${p.description ? ` — ${p.description}` : ''}`,
      detail: detailOf(p) || undefined,
      name: n,
    };
  });
  if (host.fileUri()) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(go-to-file) Open .tack/profiles.jsonc', openFile: true });
  const picked = await vscode.window.showQuickPick(items, { title: 'Tack: Switch Profile', placeHolder: host.current.notice ?? 'Profile for the next message', matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.openFile) {
    const uri = host.fileUri()!;
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('{\n  // Profiles for this repository; see the Tack README.\n  "default": "lean",\n  "profiles": {}\n}\n'));
    }
    await vscode.window.showTextDocument(uri);
    return undefined;
  }
  return picked.name;
}
