/**
 * How the editor asks about MCP servers: a modal dialog (never a chat message the model could imitate) showing a
 * workspace server's whole definition — command, args, env keys (values hidden), cwd, url, header names — and, when
 * it changed since the last approval, what changed; and a second modal when an approved server's tool list or a
 * description changes. Approvals are kept in the user's globalState (never the workspace), pinned by core to the
 * definition's hash.
 */
import * as vscode from 'vscode';
import { diffViews, type Logger, type McpServerView, type McpTrustStore, type ServerApprovalPort, type TrustRecord } from '../core/index';

const TRUST_KEY = 'tack.mcpTrust';
export const APPROVE = 'Approve';
export const OFFER_TOOLS = 'Offer the new tools';

/** The definition as lines for a person (values of env and headers are never shown). */
export function definitionLines(v: McpServerView): string[] {
  return [
    `Defined in: ${v.file} (${v.transport})`,
    ...(v.command !== undefined ? [`Command: ${v.command}`] : []),
    ...(v.args !== undefined ? [`Args: ${v.args.map(a => JSON.stringify(a)).join(' ') || '(none)'}`] : []),
    ...(v.cwd !== undefined ? [`Working folder: ${v.cwd}`] : []),
    ...(v.envKeys?.length ? [`Environment: ${v.envKeys.join(', ')} (values hidden)`] : []),
    ...(v.url !== undefined ? [`URL: ${v.url}`] : []),
    ...(v.headerNames?.length ? [`Headers: ${v.headerNames.join(', ')} (values hidden)`] : []),
  ];
}

/** The modal's detail text: the definition, then what changed since the previous approval. */
export function approvalDetail(def: McpServerView, previous?: McpServerView): string {
  const lines = definitionLines(def);
  if (previous) {
    const changes = diffViews(previous, def);
    lines.push('', 'It changed since you approved it:', ...(changes.length ? changes.map(c => `  ${c}`) : ['  an env or header value changed (values are not shown)']));
  }
  lines.push('', 'It runs with your permissions. Approve only a server you expect this workspace to define.');
  return lines.join('\n');
}

/** Asks with a modal; true only for an explicit Approve (Escape, closing, Cancel: not started). Never throws. */
export function editorServerApprovals(log: Logger): ServerApprovalPort {
  return {
    async approveServer(def, previous) {
      try {
        const title = previous
          ? `The MCP server "${def.name}" defined by this workspace changed. Start it?`
          : `Start the MCP server "${def.name}" defined by this workspace?`;
        return (await vscode.window.showWarningMessage(title, { modal: true, detail: approvalDetail(def, previous) }, APPROVE)) === APPROVE;
      } catch (err) {
        log.warn(`The approval dialog for MCP server "${def.name}" failed: ${(err as Error).message}`);
        return false;
      }
    },
  };
}

/** Asks before a server's changed tools are offered to the model. Never throws. */
export async function confirmToolsChangeModal(server: string, change: string, log: Logger): Promise<boolean> {
  try {
    const answer = await vscode.window.showWarningMessage(
      `The tools of MCP server "${server}" changed since it started. Offer them to the model?`,
      { modal: true, detail: `${change}.\n\nTool descriptions come from the server and are untrusted; until you accept, none of its tools is offered.` },
      OFFER_TOOLS,
    );
    return answer === OFFER_TOOLS;
  } catch (err) {
    log.warn(`The dialog about MCP server "${server}"'s changed tools failed: ${(err as Error).message}`);
    return false;
  }
}

/** Approvals in the user's globalState: one record per workspace folder and server name. */
export function globalStateTrustStore(state: vscode.Memento): McpTrustStore {
  const all = (): Record<string, TrustRecord> => {
    const v = state.get<unknown>(TRUST_KEY);
    return v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, TrustRecord>) } : {};
  };
  return {
    get: async key => { const a = all(); return Object.hasOwn(a, key) ? a[key] : undefined; },
    set: async (key, record) => { const a = all(); a[key] = record; await state.update(TRUST_KEY, a); },
    list: async () => all(),
    reset: async key => {
      if (key === undefined) { await state.update(TRUST_KEY, undefined); return; }
      const a = all();
      delete a[key];
      await state.update(TRUST_KEY, a);
    },
  };
}
