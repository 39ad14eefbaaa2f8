/**
 * Tack: Verify Providers — the report: a bar chart per measure (one bar per host), a sentence per host saying what
 * stands out, drift since the last kept run, errors in their host's row, and a table of every number. Renders what
 * the host sends (validated); all text goes in through textContent. Posts `ready` before the host sends anything.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { parseVerifyHostMessage, type VerifyHostMessage, type VerifyRowView, type VerifyViewMessage } from '../../shared/verify-protocol';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

declare function acquireVsCodeApi(): { postMessage(msg: VerifyViewMessage): void };
const vscode = acquireVsCodeApi();

type Report = Extract<VerifyHostMessage, { type: 'report' }>;
let plan: Extract<VerifyHostMessage, { type: 'plan' }> | undefined;
const progress = new Map<string, { done: number; total: number }>();
let report: Report | undefined;
const charts: Chart[] = [];

interface Measure { key: keyof VerifyRowView; title: string; what: string; kind: 'share' | 'ms' | 'rate'; better: 'higher' | 'lower' }
const MEASURES: Measure[] = [
  { key: 'toolCallTriggered', title: 'Expected tool calls made', what: 'Share of prompts that need a tool where the host returned a call (finish reason and call present).', kind: 'share', better: 'higher' },
  { key: 'toolCallValid', title: 'Valid tool calls', what: 'Share of calls whose arguments are JSON and valid against the tool\'s schema.', kind: 'share', better: 'higher' },
  { key: 'unexpectedCalls', title: 'Unexpected tool calls', what: 'Share of prompts that need no tool where the host called one anyway.', kind: 'share', better: 'lower' },
  { key: 'similarity', title: 'Similarity to the reference', what: 'Answers and tool decisions compared with the reference host\'s, probe by probe.', kind: 'share', better: 'higher' },
  { key: 'exactMatch', title: 'Exact answers', what: 'Share of temperature-0 questions answered exactly right.', kind: 'share', better: 'higher' },
  { key: 'ttftMs', title: 'Time to first token', what: 'Median, milliseconds.', kind: 'ms', better: 'lower' },
  { key: 'tokensPerSec', title: 'Output tokens per second', what: 'Median over the answers.', kind: 'rate', better: 'higher' },
];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

const fmt = (m: Measure['kind'], v: number | null) => (v === null ? '—' : m === 'share' ? `${Math.round(v * 100)}%` : m === 'ms' ? `${Math.round(v)} ms` : v.toFixed(1));

function color(name: string): string {
  return getComputedStyle(document.body).getPropertyValue(`--vscode-charts-${name}`).trim() || '#888';
}

function chartFor(m: Measure, rows: VerifyRowView[]): HTMLElement {
  const canvas = el('canvas', { className: 'verify-chart' });
  canvas.dataset.measure = String(m.key);
  const box = el('div', { className: 'chart' }, el('h2', {}, m.title), el('p', { className: 'muted' }, `${m.what} ${m.better === 'higher' ? 'Higher is better.' : 'Lower is better.'}`), el('div', { className: 'chart-box' }, canvas));
  const measured = rows.filter(r => r[m.key] !== null);
  const fg = getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim() || '#ccc';
  queueMicrotask(() => charts.push(new Chart(canvas, {
    type: 'bar',
    data: {
      labels: measured.map(r => r.target),
      datasets: [{ label: m.title, data: measured.map(r => r[m.key] as number), backgroundColor: measured.map(r => (r.reference ? color('blue') : color('orange'))) }],
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, indexAxis: 'y',
      scales: { x: { beginAtZero: true, ...(m.kind === 'share' ? { max: 1 } : {}), ticks: { color: fg, callback: v => fmt(m.kind, Number(v)) } }, y: { ticks: { color: fg } } },
      plugins: { tooltip: { callbacks: { label: c => fmt(m.kind, c.parsed.x) } } },
    },
  })));
  if (!measured.length) box.append(el('p', { className: 'muted' }, 'Not measurable on any host.'));
  return box;
}

function table(rows: VerifyRowView[]): HTMLTableElement {
  const head = ['Host', ...MEASURES.map(m => m.title), 'Quantization', 'Context', 'Cost', 'Requests'];
  return el('table', { id: 'verify-table' },
    el('thead', {}, el('tr', {}, ...head.map(h => el('th', {}, h)))),
    el('tbody', {}, ...rows.map(r => el('tr', {},
      el('td', {}, r.target + (r.reference ? ' (reference)' : '')),
      ...MEASURES.map(m => el('td', {}, m.key === 'similarity' && r.reference ? 'ref' : fmt(m.kind, r[m.key] as number | null))),
      el('td', {}, r.quantization ? `${r.quantization.value} (${r.quantization.source})` : '—'),
      el('td', {}, r.contextWindow ? String(r.contextWindow) : '—'),
      el('td', {}, r.costUsd === null ? '—' : `$${r.costUsd.toFixed(4)}`),
      el('td', {}, String(r.requests))))));
}

function render(): void {
  for (const c of charts.splice(0)) c.destroy();
  const app = document.getElementById('app')!;
  const stop = el('button', { id: 'verify-stop' }, 'Stop');
  stop.addEventListener('click', () => vscode.postMessage({ type: 'stop' }));
  const title = el('h1', {}, plan ? `Verify: ${plan.targets.join(', ')}` : 'Verify Providers');
  if (!report) {
    const lines = [...progress].map(([t, p]) => el('li', {}, `${t}: ${p.done} of ${p.total} requests`));
    app.replaceChildren(el('header', {}, title, stop), el('p', { className: 'muted' }, plan ? `${plan.plan} Suite ${plan.suiteVersion}, reference ${plan.reference}.` : 'Waiting for the run to start…'), el('ul', { id: 'verify-progress' }, ...lines));
    return;
  }
  const r = report;
  const notes = el('ul', { className: 'notes', id: 'verify-notes' }, ...r.rows.map(row => el('li', {},
    el('strong', {}, row.target), `: ${r.notes[row.target] ?? ''}`,
    ...(r.drift[row.target] ?? []).map(d => el('div', { className: 'drift' }, d)),
    ...row.errors.map(e => el('div', { className: 'error' }, `${e.kind}${e.count > 1 ? ` ×${e.count}` : ''}: ${e.message}`)))));
  app.replaceChildren(
    el('header', {}, title),
    el('p', { className: 'muted' }, `Suite ${r.suiteVersion}, ${r.runs} run(s) per probe, reference ${r.reference}.${r.stopped ? ' Stopped before the end: the numbers cover what was measured.' : ''} These numbers describe how each host serves this suite, not the model's quality in general.`),
    notes,
    el('div', { className: 'charts', id: 'verify-charts' }, ...MEASURES.map(m => chartFor(m, r.rows))),
    table(r.rows),
  );
}

window.addEventListener('message', e => {
  const msg = parseVerifyHostMessage(e.data);
  if (!msg) { console.warn('Tack verify: ignored an invalid message'); return; }
  if (msg.type === 'plan') { plan = msg; report = undefined; progress.clear(); }
  else if (msg.type === 'progress') progress.set(msg.target, { done: msg.done, total: msg.total });
  else report = msg;
  render();
});
render();
vscode.postMessage({ type: 'ready' });
