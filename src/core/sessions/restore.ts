/** A stored session back as an AgentSession: its id, transcript (ids kept), ledger totals and compactions. */
import { AgentSession, type AgentSessionDeps } from '../agent/session';
import type { SessionData } from './replay';

export function restoreSession(data: SessionData, deps: AgentSessionDeps): AgentSession {
  const session = new AgentSession(deps, { id: data.id, messages: data.messages });
  for (const u of data.usage) {
    const slash = u.modelRef.indexOf('/');
    // Usage was priced when it was recorded: a known cost is kept as is, an unknown one stays unknown.
    session.state.ledger.add(u.modelRef.slice(0, slash), u.modelRef.slice(slash + 1), u.usage);
  }
  session.state.compaction.entries.push(...data.compactions);
  return session;
}
