/** The transcript, in Tack's own provider-neutral shape. Providers convert it to their wire format. */

import type { ErrorKind, Usage } from './events';

export interface UserMessage {
  role: 'user';
  text: string;
}

export interface AssistantMessage {
  role: 'assistant';
  text: string;
  reasoning?: string;
  /** Which model answered, as `<provider>/<model>`. */
  model: string;
  usage?: Usage;
  /** Set when the response did not complete; the partial text is kept and labelled. */
  interrupted?: { kind: ErrorKind; message: string };
}

export type ChatMessage = UserMessage | AssistantMessage;
