/**
 * Runs the conversation for the panel: runs go through core's AgentSession; the panel is a projection of the
 * run's AgentEvents (messages by stable id, tool cards, approvals, todo, Continue). Owns no facts of its own:
 * hiding or reloading the webview loses nothing — a fresh webview says `ready` and gets the whole state back.
 */
import { compactNow, type AgentEvent, type AgentSession, type RunPlan, type StoredMessage, type ToolCard } from '../core/index';
import type { HostToWebview, Marker, ModelInfo, ToolCard as ViewCard, ViewMessage } from '../shared/protocol';
import { compactionMarker } from './editor-sessions';
import { cardsFromTranscript } from './transcript-cards';

export interface ControllerHost {
  post(msg: HostToWebview): void;
  /** Everything the next run needs, resolved once when it starts (profile, model, keys, tools). */
  plan(): Promise<RunPlan>;
  modelInfo(): ModelInfo;
  /** Every event of a run, for the status bar, the usage log and the approvals UI. Must not throw. */
  observe(ev: AgentEvent): void;
  /** Called after every run, with its outcome. */
  runEnded(outcome: Extract<AgentEvent, { type: 'end' }>['outcome'] | undefined): void;
  /** Sessions: a new saved session for New Session (absent: the same session is cleared). */
  fresh?(): { session: AgentSession; markers: Marker[] };
}

/** Streamed text is forwarded in batches, so a fast stream does not flood the webview with one post per token. */
const FLUSH_MS = 30;
const MAX_CARD_OUTPUT = 200_000;

function argsText(args: unknown): string {
  if (typeof args === 'string') return args;
  try { return JSON.stringify(args, null, 2); } catch { return String(args); }
}

export class ChatController {
  private running?: AbortController;
  private turn?: Promise<void>;
  /** Tool cards per assistant message id, as the events last described them. */
  private readonly cards = new Map<string, Map<string, ViewCard>>();
  private todo: Array<{ text: string; status: string }> = [];
  private continueText = '';

  /** Sessions and compaction: what sits between the messages (compaction cards, notices), in order. */
  private markers: Marker[] = [];

  constructor(public session: AgentSession, private readonly host: ControllerHost) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  viewMessage(m: StoredMessage): ViewMessage | undefined {
    if (m.role === 'user') return { id: m.id, role: 'user', text: m.text };
    if (m.role !== 'assistant') return undefined;
    const cards = this.cards.get(m.id);
    return {
      id: m.id,
      role: 'assistant',
      text: m.text,
      ...(m.reasoning ? { reasoning: m.reasoning } : {}),
      ...(m.model ? { model: m.model } : {}),
      ...(m.interrupted ? { error: m.interrupted } : {}),
      ...(m.usage ? { usage: { input: m.usage.input + m.usage.cacheRead + m.usage.cacheWrite, output: m.usage.output, costUsd: m.usage.costUsd } } : {}),
      ...(cards?.size ? { tools: [...cards.values()] } : {}),
    };
  }

  viewMessages(): ViewMessage[] {
    return this.session.messages.flatMap(m => this.viewMessage(m) ?? []);
  }

  /** A long conversation opens at its tail: the panel renders at most this many messages until asked for more. */
  static readonly TAIL = 200;
  private showAll = false;

  /** The panel asked for the whole conversation. */
  showEarlier(): void {
    this.showAll = true;
    for (const m of this.fullState()) this.host.post(m);
  }

  fullState(): HostToWebview[] {
    const all = this.viewMessages();
    const earlier = this.showAll ? 0 : Math.max(0, all.length - ChatController.TAIL);
    return [
      { type: 'state', messages: earlier ? all.slice(earlier) : all, busy: this.busy, model: this.host.modelInfo(), ...(earlier ? { earlier } : {}) },
      { type: 'todo', items: this.todo },
      { type: 'continueOffer', text: this.continueText },
      { type: 'markers', items: this.markers },
    ];
  }

  /** Starts a run; resolves when it ends. A send while a run goes is refused (returns false). */
  send(text: string): Promise<boolean> {
    if (this.busy) return Promise.resolve(false);
    const compact = /^\/compact(?:\s+([\s\S]*))?$/.exec(text.trim());
    if (compact) return this.compact(compact[1]?.trim() || undefined);
    return this.start((plan, signal) => this.session.send(text, plan, signal));
  }

  retry(): Promise<boolean> {
    if (this.busy || !this.session.canRetry()) return Promise.resolve(false);
    const last = [...this.session.messages].reverse().find(m => m.role === 'user');
    this.host.post({ type: 'truncate', ...(last ? { afterId: last.id } : {}) });
    return this.start((plan, signal) => this.session.retry(plan, signal));
  }

  /** Goes on after the step limit (or a Stop): the loop runs again on the same transcript. */
  continue(): Promise<boolean> {
    if (this.busy || !this.session.messages.length) return Promise.resolve(false);
    return this.start((plan, signal) => this.session.continue(plan, signal));
  }

  stop(): void {
    this.running?.abort();
  }

  async clear(): Promise<void> {
    this.stop();
    await this.turn;
    const next = this.host.fresh?.();
    if (next) { await this.adopt(next.session, next.markers); return; }
    this.session.clear();
    this.showAll = false;
    this.cards.clear();
    this.todo = [];
    this.continueText = '';
    this.markers = [];
    for (const m of this.fullState()) this.host.post(m);
    this.host.runEnded(undefined);
  }

  // --- Sessions and compaction ---

  /** Shows another session (resumed, or new): its messages, the tool cards rebuilt from its transcript, its markers. */
  async adopt(session: AgentSession, markers: Marker[]): Promise<void> {
    this.stop();
    this.showAll = false;
    await this.turn;
    this.session = session;
    this.cards.clear();
    this.cardOwner.clear();
    for (const [messageId, cards] of cardsFromTranscript(session.messages, MAX_CARD_OUTPUT)) {
      this.cards.set(messageId, cards);
      for (const id of cards.keys()) this.cardOwner.set(id, messageId);
    }
    this.todo = [];
    this.continueText = '';
    this.markers = [...markers];
    for (const m of this.fullState()) this.host.post(m);
    this.host.runEnded(undefined);
  }

  /** Compact Now (and `/compact …`): compaction as a run of its own, with the person's optional instructions. */
  compact(instructions?: string): Promise<boolean> {
    if (this.busy) return Promise.resolve(false);
    const run = this.start((plan, signal) => compactNow(this.session, plan, instructions, signal));
    this.host.post({ type: 'status', text: 'Compacting the conversation…' });
    return run;
  }

  viewMarkers(): Marker[] {
    return [...this.markers];
  }

  private addMarker(marker: Marker): void {
    this.markers.push(marker);
    this.host.post({ type: 'marker', marker });
  }

  private start(begin: (plan: Promise<RunPlan>, signal: AbortSignal) => AsyncGenerator<AgentEvent>): Promise<boolean> {
    const controller = new AbortController();
    this.running = controller;
    this.continueText = '';
    this.host.post({ type: 'continueOffer', text: '' });
    this.host.post({ type: 'busy', busy: true });
    let outcome: Extract<AgentEvent, { type: 'end' }>['outcome'] | undefined;
    // The run starts now (the user's message is in the transcript at once); the plan resolves as it goes.
    const events = begin(this.host.plan(), controller.signal);
    const turn = (async () => {
      outcome = await this.consume(events);
    })().catch(err => {
      this.host.post({ type: 'status', text: `Tack failed: ${(err as Error).message}` });
    }).finally(() => {
      this.running = undefined;
      this.host.post({ type: 'busy', busy: false });
      if (outcome?.stopReason === 'max_steps') {
        this.continueText = `Stopped after ${outcome.steps} steps (the profile's maxSteps).`;
        this.host.post({ type: 'continueOffer', text: this.continueText });
      }
      this.host.runEnded(outcome);
    });
    this.turn = turn;
    return turn.then(() => true);
  }

  private async consume(events: AsyncGenerator<AgentEvent>): Promise<Extract<AgentEvent, { type: 'end' }>['outcome'] | undefined> {
    let pending = new Map<string, { text: string; reasoning: string }>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      for (const [id, d] of pending) this.host.post({ type: 'delta', id, ...(d.text ? { text: d.text } : {}), ...(d.reasoning ? { reasoning: d.reasoning } : {}) });
      pending = new Map();
    };
    let countdown: ReturnType<typeof setInterval> | undefined;
    const stopCountdown = () => { if (countdown) { clearInterval(countdown); countdown = undefined; this.host.post({ type: 'status', text: '' }); } };
    let outcome: Extract<AgentEvent, { type: 'end' }>['outcome'] | undefined;
    try {
      for await (const ev of events) {
        this.host.observe(ev);
        switch (ev.type) {
          case 'message': {
            const v = this.viewMessage(ev.message);
            if (v) this.host.post({ type: 'append', message: v });
            if (ev.message.role === 'assistant') this.host.post({ type: 'status', text: 'Waiting for the model…' });
            break;
          }
          case 'stream': {
            const s = ev.event;
            if (s.type === 'text' || s.type === 'reasoning') {
              stopCountdown();
              const d = pending.get(ev.messageId) ?? { text: '', reasoning: '' };
              if (s.type === 'text') d.text += s.delta; else d.reasoning += s.delta;
              pending.set(ev.messageId, d);
              if (!timer) { this.host.post({ type: 'status', text: '' }); timer = setTimeout(flush, FLUSH_MS); }
            } else if (s.type === 'retry') {
              stopCountdown();
              // The wait is shown as a countdown; Stop aborts the run, which ends the wait at once.
              const until = Date.now() + s.waitMs;
              const show = () => {
                const secs = Math.max(0, Math.ceil((until - Date.now()) / 1000));
                this.host.post({ type: 'status', text: s.waitMs > 0 ? `${s.message} Retrying in ${secs} s (attempt ${s.attempt} of ${s.maxAttempts}). Stop cancels.` : s.message });
              };
              show();
              countdown = setInterval(show, 1000);
            }
            break;
          }
          case 'message_end': {
            clearTimeout(timer);
            flush();
            this.host.post({ type: 'status', text: '' });
            const v = this.viewMessage(ev.message);
            if (v) this.host.post({ type: 'replace', message: v });
            break;
          }
          case 'tool': this.updateCard(ev.call); break;
          case 'tool_output': {
            const card = this.cards.get(ev.messageId)?.get(ev.id);
            if (card && (card.output?.length ?? 0) < MAX_CARD_OUTPUT) card.output = (card.output ?? '') + ev.chunk;
            this.host.post({ type: 'toolOutput', id: ev.id, chunk: ev.chunk });
            break;
          }
          case 'approval_requested': {
            const r = ev.request;
            const card = [...this.cards.values()].map(m => m.get(r.id)).find(Boolean);
            if (card) {
              card.approval = { nonce: r.nonce, summary: r.summary, ...(r.command ? { command: r.command } : {}), diff: r.preview !== undefined };
              this.postCard(card);
            }
            break;
          }
          case 'approval_resolved': {
            const card = [...this.cards.values()].map(m => m.get(ev.id)).find(Boolean);
            if (card?.approval) { delete card.approval; this.postCard(card); }
            break;
          }
          case 'todo': this.todo = ev.items; this.host.post({ type: 'todo', items: ev.items }); break;
          case 'subagent_start': case 'subagent': case 'subagent_end': this.subagentEvent(ev); break;
          case 'end': outcome = ev.outcome; break;
          case 'compaction': this.addMarker(compactionMarker(ev.entry, this.session.messages.at(-1)?.id)); break;
          case 'notice': {
            const last = this.session.messages.at(-1)?.id;
            this.addMarker({ kind: 'notice', id: `notice-${Date.now()}-${this.markers.length}`, ...(last ? { afterId: last } : {}), level: ev.level, text: ev.message });
            break;
          }
          default: break;
        }
      }
    } finally {
      stopCountdown();
      clearTimeout(timer);
      flush();
      this.host.post({ type: 'status', text: '' });
    }
    return outcome;
  }

  private readonly cardOwner = new Map<string, string>();

  private updateCard(call: ToolCard): void {
    let forMessage = this.cards.get(call.messageId);
    if (!forMessage) { forMessage = new Map(); this.cards.set(call.messageId, forMessage); }
    const prev = forMessage.get(call.id);
    const card: ViewCard = {
      id: call.id, name: call.name, title: call.title, state: call.state, args: argsText(call.args),
      // Live output stays until the result replaces it.
      ...(call.result !== undefined ? { output: call.result } : prev?.output ? { output: prev.output } : {}),
      ...(call.changedPath ? { changedPath: call.changedPath } : {}),
      ...(prev?.approval && call.state === 'awaiting_approval' ? { approval: prev.approval } : {}),
      ...(prev?.subagent ? { subagent: prev.subagent } : {}),
    };
    forMessage.set(call.id, card);
    this.cardOwner.set(call.id, call.messageId);
    this.postCard(card);
  }

  /** A task call's child agent, projected onto the task's own card: header, its tool calls, its approvals. */
  private subagentEvent(ev: Extract<AgentEvent, { type: 'subagent_start' | 'subagent' | 'subagent_end' }>): void {
    const owner = this.cardOwner.get(ev.parentCallId);
    const card = owner ? this.cards.get(owner)?.get(ev.parentCallId) : undefined;
    if (!card) return;
    if (ev.type === 'subagent_start') {
      card.subagent = { agent: ev.agent, model: ev.modelRef, state: 'running', tools: [], ...(ev.note ? { note: ev.note } : {}) };
    } else if (ev.type === 'subagent_end') {
      const o = ev.outcome.stopReason;
      card.subagent = {
        ...(card.subagent ?? { agent: ev.agent, model: ev.modelRef, tools: [] }), state: o === 'cancelled' ? 'cancelled' : o === 'error' ? 'error' : 'done',
        tokens: ev.usage.input + ev.usage.cacheRead + ev.usage.cacheWrite + ev.usage.output, costUsd: ev.usage.costUsd,
      };
    } else {
      const inner = ev.event;
      const sub = card.subagent;
      if (!sub) return;
      if (inner.type === 'tool') {
        const t = { id: inner.call.id, name: inner.call.name, title: inner.call.title, state: inner.call.state };
        const i = sub.tools.findIndex(x => x.id === t.id);
        if (i >= 0) sub.tools[i] = t; else sub.tools.push(t);
      } else if (inner.type === 'approval_requested') {
        const r = inner.request;
        // The child's question is asked on the task's card; the answer names the child's call.
        card.approval = { nonce: r.nonce, callId: r.id, summary: `${ev.agent}: ${r.summary}`, ...(r.command ? { command: r.command } : {}), diff: r.preview !== undefined };
      } else if (inner.type === 'approval_resolved') {
        if (card.approval?.callId === inner.id) delete card.approval;
      } else {
        return;
      }
    }
    this.postCard(card);
  }

  private postCard(card: ViewCard): void {
    const messageId = this.cardOwner.get(card.id);
    if (messageId) this.host.post({ type: 'tool', messageId, card });
  }
}
