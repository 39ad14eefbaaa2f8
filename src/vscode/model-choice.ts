/**
 * The model the next message goes to: the one chosen with Switch Model in this workspace (remembered in
 * workspace state), else the `tack.model` user setting. Changing the setting later replaces the remembered
 * choice, so the newest explicit choice always wins.
 */
import type * as vscode from 'vscode';
import { readSettings } from './settings';

const STATE_KEY = 'tack.chosenModel';

export class ModelChoice {
  constructor(private readonly state: vscode.Memento) {}

  current(): string {
    return this.state.get<string>(STATE_KEY) || readSettings().model;
  }

  async choose(ref: string): Promise<void> {
    await this.state.update(STATE_KEY, ref);
  }

  async forget(): Promise<void> {
    await this.state.update(STATE_KEY, undefined);
  }
}
