/**
 * Tack: Show Usage — tokens and cost per day, model or workspace, as a stacked bar chart and a table.
 * Renders what the host sends; never computes prices itself. Posts `ready` before the host sends data.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { aggregateUsage, groupKey, type UsageGrouping } from '../../core/ledger/aggregate';
import type { UsageRecord } from '../../core/ledger/usage-log';
import { parseUsageHostMessage, type UsageViewMessage } from '../../shared/usage-protocol';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

declare function acquireVsCodeApi(): { postMessage(msg: UsageViewMessage): void };
const vscode = acquireVsCodeApi();

type Metric = 'tokens' | 'cost';
let rows: UsageRecord[] = [];
let workspace = '';
let grouping: UsageGrouping = 'day';
let metric: Metric = 'tokens';
let onlyThisWorkspace = false;
let chart: Chart | undefined;

const fmtTokens = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n));
const fmtCost = (c: number | null, partial = false) => (c === null ? 'unknown' : `$${c.toFixed(c < 1 ? 4 : 2)}${partial ? '+' : ''}`);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function palette(): string[] {
  const css = getComputedStyle(document.body);
  const names = ['blue', 'green', 'orange', 'purple', 'yellow', 'red'];
  return names.map(n => css.getPropertyValue(`--vscode-charts-${n}`).trim() || '#888');
}

function visibleRows(): UsageRecord[] {
  return onlyThisWorkspace ? rows.filter(r => r.workspace === workspace) : rows;
}

/** X axis follows the grouping; each bar is stacked by model (or by day when grouped by model). */
function renderChart(canvas: HTMLCanvasElement): void {
  const data = visibleRows();
  const xKey = (r: UsageRecord) => groupKey(r, grouping);
  const stackKey = (r: UsageRecord) => groupKey(r, grouping === 'model' ? 'day' : 'model');
  const labels = [...new Set(data.map(xKey))].sort();
  const stacks = [...new Set(data.map(stackKey))].sort();
  const colors = palette();
  const value = (r: UsageRecord) => (metric === 'tokens' ? r.input + r.cacheRead + r.cacheWrite + r.output : r.costUsd ?? 0);
  const datasets = stacks.map((s, i) => ({
    label: s,
    backgroundColor: colors[i % colors.length],
    data: labels.map(l => data.filter(r => xKey(r) === l && stackKey(r) === s).reduce((n, r) => n + value(r), 0)),
  }));
  const fg = getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim() || '#ccc';
  chart?.destroy();
  chart = new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      color: fg,
      scales: {
        x: { stacked: true, ticks: { color: fg } },
        y: { stacked: true, ticks: { color: fg, callback: v => (metric === 'tokens' ? fmtTokens(Number(v)) : `$${Number(v).toFixed(2)}`) } },
      },
      plugins: { legend: { labels: { color: fg } } },
    },
  });
}

function renderTable(): HTMLTableElement {
  const head = el('tr', {}, ...['', 'Responses', 'Input', 'Output', 'Cache read', 'Cache write', 'Cost'].map(h => el('th', {}, h)));
  const body = aggregateUsage(visibleRows(), grouping).map(g => el('tr', {},
    el('td', {}, g.key), el('td', {}, String(g.responses)), el('td', {}, fmtTokens(g.input)), el('td', {}, fmtTokens(g.output)),
    el('td', {}, fmtTokens(g.cacheRead)), el('td', {}, fmtTokens(g.cacheWrite)), el('td', { title: g.costPartial ? 'Some responses had no known price' : '' }, fmtCost(g.costUsd, g.costPartial && g.costUsd !== null))));
  return el('table', { id: 'usage-table' }, el('thead', {}, head), el('tbody', {}, ...body));
}

function select<T extends string>(id: string, options: Array<[T, string]>, current: T, onChange: (v: T) => void): HTMLSelectElement {
  const s = el('select', { id }, ...options.map(([v, label]) => el('option', { value: v, selected: v === current }, label)));
  s.addEventListener('change', () => onChange(s.value as T));
  return s;
}

function render(): void {
  const app = document.getElementById('app')!;
  const canvas = el('canvas', { id: 'usage-chart' });
  const only = el('input', { type: 'checkbox', id: 'only-workspace', checked: onlyThisWorkspace });
  only.addEventListener('change', () => { onlyThisWorkspace = only.checked; render(); });
  const exportBtn = el('button', { id: 'export-csv' }, 'Export CSV');
  exportBtn.addEventListener('click', () => vscode.postMessage({ type: 'exportCsv' }));
  const refresh = el('button', { id: 'refresh', className: 'secondary' }, 'Refresh');
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  app.replaceChildren(
    el('header', {},
      el('label', {}, 'Group by ', select<UsageGrouping>('group-by', [['day', 'Day'], ['model', 'Model'], ['workspace', 'Workspace']], grouping, v => { grouping = v; render(); })),
      el('label', {}, 'Show ', select<Metric>('metric', [['tokens', 'Tokens'], ['cost', 'Cost']], metric, v => { metric = v; render(); })),
      el('label', {}, only, ' This workspace only'),
      exportBtn, refresh),
    rows.length === 0
      ? el('p', { className: 'empty' }, 'No usage recorded yet. Tokens and cost appear here after your first reply.')
      : el('div', { className: 'chart-box' }, canvas),
    renderTable(),
  );
  if (rows.length) renderChart(canvas);
}

window.addEventListener('message', e => {
  const msg = parseUsageHostMessage(e.data);
  if (!msg) { console.warn('Tack usage: ignored an invalid message'); return; }
  rows = msg.records;
  workspace = msg.workspace;
  render();
});
render();
vscode.postMessage({ type: 'ready' });
