/** The Tack output channel as core's Logger. */
import * as vscode from 'vscode';
import type { Logger } from '../core/index';

export function createLogger(): { logger: Logger; channel: vscode.LogOutputChannel } {
  const channel = vscode.window.createOutputChannel('Tack', { log: true });
  return {
    channel,
    logger: { info: m => channel.info(m), warn: m => channel.warn(m), error: m => channel.error(m) },
  };
}
