/** Picks the dialect for an endpoint. Every dialect yields the same StreamEvent union and never throws. */
import type { StreamEvent } from '../events';
import { streamOpenAIChat } from './openai-chat';
import type { ProviderRequest } from './request';

export function streamResponse(req: ProviderRequest): AsyncGenerator<StreamEvent> {
  switch (req.endpoint.type) {
    case 'openai-compatible':
      return streamOpenAIChat(req);
  }
}
