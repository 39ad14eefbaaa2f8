/**
 * Entry of the chat webview. Builds the UI inside `#app`, validates every host message with the shared
 * protocol, then posts `ready`; the host sends nothing before `ready` and answers it with `state`.
 */
import { parseHostMessage, type HostToWebview } from '../shared/protocol';
import { Composer } from './composer';
import { EarlierMessages } from './earlier';
import { ContinueOffer, TodoList } from './dock';
import { HarnessLine } from './harness-line';
import { MessageList } from './messages';
import { Notices } from './notices';
import { Markers } from './markers';
import { SessionsList } from './sessions-list';
import { loadDraft, post, saveDraft } from './vscodeApi';

function start(): void {
  let app = document.getElementById('app');
  if (!app) {
    app = document.createElement('div');
    app.id = 'app';
    document.body.append(app);
  }

  const composer = new Composer(
    {
      send: (text) => post({ type: 'send', text }),
      stop: () => post({ type: 'stop' }),
      switchModel: () => post({ type: 'switchModel' }),
      draftChanged: saveDraft,
    },
    loadDraft(),
  );
  const list = new MessageList({
    retry: () => post({ type: 'retry' }),
    edit: (text) => composer.setText(text),
    copy: (text) => post({ type: 'copy', text }),
    openLink: (url) => post({ type: 'openLink', url }),
    approve: (id, nonce, decision) => post({ type: 'approve', id, nonce, decision }),
    showDiff: (id, nonce) => post({ type: 'showDiff', id, nonce }),
    openFile: (path) => post({ type: 'openFile', path }),
  });
  const notices = new Notices();
  const harness = new HarnessLine(() => post({ type: 'harnessDetails' }));
  const todo = new TodoList();
  const offer = new ContinueOffer(() => post({ type: 'continue' }));
  const dock = document.createElement('div');
  dock.className = 'dock';
  dock.append(todo.el, offer.el);
  // Sessions and compaction: the saved sessions list, and the cards between messages.
  const markers = new Markers(list.el, (id) => post({ type: 'openReplaced', id }));
  const sessions = new SessionsList({
    open: (id) => post({ type: 'openSession', id }),
    rename: (id) => post({ type: 'renameSession', id }),
    exportSession: (id) => post({ type: 'exportSession', id }),
    remove: (id) => post({ type: 'deleteSession', id }),
    newSession: () => post({ type: 'newChat' }),
  });
  const earlier = new EarlierMessages(() => post({ type: 'showEarlier' }));
  app.replaceChildren(notices.el, harness.el, sessions.el, earlier.el, list.el, dock, composer.el);

  const handle = (msg: HostToWebview): void => {
    switch (msg.type) {
      case 'state':
        earlier.set(msg.earlier);
        list.reset(msg.messages);
        list.setBusy(msg.busy);
        composer.setBusy(msg.busy);
        composer.setModel(msg.model);
        break;
      case 'append':
        list.append(msg.message);
        break;
      case 'delta':
        list.delta(msg.id, msg.text, msg.reasoning);
        break;
      case 'replace':
        list.replace(msg.message);
        break;
      case 'truncate':
        list.truncate(msg.afterId);
        break;
      case 'tool':
        list.tool(msg.messageId, msg.card);
        break;
      case 'toolOutput':
        list.toolOutput(msg.id, msg.chunk);
        break;
      case 'todo':
        todo.set(msg.items);
        break;
      case 'continueOffer':
        offer.set(msg.text);
        break;
      case 'busy':
        list.setBusy(msg.busy);
        composer.setBusy(msg.busy);
        break;
      case 'model':
        composer.setModel(msg.model);
        break;
      case 'status':
        composer.setStatus(msg.text);
        break;
      case 'notices':
        notices.set(msg.items);
        break;
      case 'harness':
        harness.set(msg.harness);
        break;
      case 'markers':
        markers.reset(msg.items);
        break;
      case 'marker':
        markers.add(msg.marker);
        break;
      case 'sessions':
        sessions.set(msg.items, msg.show);
        break;
    }
  };

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const msg = parseHostMessage(event.data);
    if (!msg) {
      console.warn('Tack: ignoring invalid message from the host', event.data);
      return;
    }
    try {
      handle(msg);
    } catch (err) {
      // One bad update must not leave the panel dead for the rest of the session.
      console.error('Tack: failed to apply host message', msg.type, err);
    }
  });

  post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
