/**
 * The model chosen with Switch Model in this workspace, remembered in workspace state. It wins over the profile's
 * model and the `tack.model` setting (see core's modelForTurn); switching profile or changing `tack.model` clears
 * it, so the newest explicit choice always wins. Starred and recent models are remembered per user.
 */
import type * as vscode from 'vscode';

const CHOSEN = 'tack.chosenModel';
const RECENT = 'tack.recentModels';
const STARRED = 'tack.starredModels';
const MAX_RECENT = 8;

export class ModelChoice {
  constructor(private readonly workspace: vscode.Memento, private readonly global: vscode.Memento) {}

  chosen(): string | undefined {
    return this.workspace.get<string>(CHOSEN) || undefined;
  }

  async choose(ref: string): Promise<void> {
    await this.workspace.update(CHOSEN, ref);
    await this.global.update(RECENT, [ref, ...this.recent().filter(r => r !== ref)].slice(0, MAX_RECENT));
  }

  async forget(): Promise<void> {
    await this.workspace.update(CHOSEN, undefined);
  }

  recent(): string[] {
    return this.global.get<string[]>(RECENT) ?? [];
  }

  starred(): string[] {
    return this.global.get<string[]>(STARRED) ?? [];
  }

  async toggleStar(ref: string): Promise<void> {
    const s = this.starred();
    await this.global.update(STARRED, s.includes(ref) ? s.filter(r => r !== ref) : [...s, ref]);
  }

  /** The starred model after `current` (wrapping), for Cycle Starred Models; undefined when none are starred. */
  nextStarred(current: string): string | undefined {
    const s = this.starred();
    if (!s.length) return undefined;
    return s[(s.indexOf(current) + 1) % s.length];
  }
}
