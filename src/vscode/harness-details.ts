/**
 * `Tack: Show Harness` (and a click on the panel's harness line): a quick pick with the profile's tools, each MCP
 * server with its state, tool count, reason and last stderr lines, and the skills. Picking a server opens the
 * "Tack MCP" log; picking a skill opens its SKILL.md.
 */
import * as vscode from 'vscode';
import type { EditorHarness } from './editor-harness';

type Item = vscode.QuickPickItem & { open?: () => unknown };

export async function showHarnessDetails(harness: EditorHarness): Promise<void> {
  await harness.rescan();
  const h = harness.view();
  if (!h) return;
  const items: Item[] = [
    { label: 'Profile', kind: vscode.QuickPickItemKind.Separator },
    { label: h.profile, description: `tools: ${h.tools.on} on · ${h.tools.ask} ask · ${h.tools.off} off` },
    { label: 'MCP servers', kind: vscode.QuickPickItemKind.Separator },
    ...(h.servers.length ? h.servers.map((s): Item => ({
      label: `$(server) ${s.name}`,
      description: `${s.state.replace(/_/g, ' ')}${s.tools !== undefined ? ` · ${s.tools} tools` : ''} · ${s.source === 'user' ? 'user setting' : 'workspace'}`,
      ...(s.message || s.stderr?.length ? { detail: [s.message, ...(s.stderr ?? []).map(l => `stderr: ${l}`)].filter(Boolean).join(' | ') } : {}),
      open: () => harness.showLog(),
    })) : [{ label: 'none defined', description: 'tack.mcpServers, .vscode/mcp.json, .mcp.json, .cursor/mcp.json' }]),
    { label: 'Skills', kind: vscode.QuickPickItemKind.Separator },
    ...(h.skills.length ? h.skills.map((s): Item => ({
      label: `$(book) ${s.name}`,
      description: s.loaded ? 'offered' : 'listed, not loaded (Restricted Mode)',
      open: () => { const f = harness.skillFile(s.name); return f ? vscode.window.showTextDocument(vscode.Uri.file(f), { preview: true }) : undefined; },
    })) : [{ label: 'none found', description: '.tack/skills, .agents/skills, .claude/skills, .github/skills, ~/.tack/skills…' }]),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Tack harness', matchOnDescription: true, matchOnDetail: true });
  await picked?.open?.();
}
