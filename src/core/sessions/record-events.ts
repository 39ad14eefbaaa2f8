/**
 * The session store as a projection of AgentEvents: the loop knows nothing of storage; a host passes every event of
 * a run to the function this returns. Finished messages are written (user and tool messages when they appear,
 * assistant messages at `message_end`), each response's usage (a subagent's too), each compaction, and the model when it changes.
 * Messages the session took back (a retry, a budget override re-sending a request) get a `remove` record.
 */
import type { AgentEvent } from '../agent/events';
import type { StoredMessage } from '../agent/transcript';
import type { SessionRecord } from './records';

export interface RecordTarget {
  append(rec: SessionRecord): boolean;
}

export interface RecordedSession {
  readonly messages: readonly StoredMessage[];
}

/**
 * Returns the projection for one session. `session.messages` is read to notice messages taken back; ids already in
 * the file (a resumed session) count as written. Must not throw (the target logs its own write failures).
 */
export function recordEvents(target: RecordTarget, session: RecordedSession, now: () => number = Date.now): (ev: AgentEvent) => void {
  const written: string[] = session.messages.map(m => m.id);
  const has = (id: string) => {
    const msgs = session.messages;
    // Written messages are near the end: the search from the end finds them in a few steps.
    for (let j = msgs.length - 1; j >= 0; j--) if (msgs[j].id === id) return true;
    return false;
  };
  const takeBackRemoved = () => {
    const ids: string[] = [];
    // The session only ever removes a tail of its transcript, so the newest written ids are the ones to check.
    while (written.length && !has(written[written.length - 1])) ids.push(written.pop()!);
    if (ids.length) target.append({ type: 'remove', at: now(), ids: ids.reverse() });
  };
  const writeMessage = (message: StoredMessage) => {
    takeBackRemoved();
    target.append({ type: 'message', at: now(), message });
    written.push(message.id);
  };
  let model: string | undefined;
  return ev => {
    switch (ev.type) {
      case 'message': if (ev.message.role !== 'assistant') writeMessage(ev.message); break;
      case 'message_end': writeMessage(ev.message); break;
      case 'step_start': if (ev.modelRef !== model) { model = ev.modelRef; target.append({ type: 'meta', at: now(), model }); } break;
      case 'usage': target.append({ type: 'usage', at: now(), messageId: ev.messageId, modelRef: ev.modelRef, usage: ev.usage, costSource: ev.costSource }); break;
      case 'compaction': target.append({ type: 'compaction', ...ev.entry }); break;
      // A subagent's responses are booked in this session's ledger, so they are saved too (its messages are not).
      case 'subagent': {
        const u = ev.event;
        if (u.type === 'usage') target.append({ type: 'usage', at: now(), messageId: u.messageId, modelRef: u.modelRef, usage: u.usage, costSource: u.costSource });
        break;
      }
      case 'end': takeBackRemoved(); break;
      default: break;
    }
  };
}
