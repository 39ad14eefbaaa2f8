/**
 * Markdown rendering for assistant replies. Model output is untrusted, so there are two walls:
 * markdown-it never passes raw HTML through (`html: false`) and never emits <img>, and DOMPurify
 * then strips anything active that slipped out of the renderer anyway.
 */
import MarkdownIt from 'markdown-it';
import type { RenderRule } from 'markdown-it/lib/renderer.mjs';
import type Token from 'markdown-it/lib/token.mjs';
import DOMPurify, { type Config } from 'dompurify';

/** Per-render scratch space handed to markdown-it rules. */
export interface RenderEnv {
  /** Raw text of each code block, by its `data-code-index`; a render continues the numbering it is given. */
  codes: string[];
  /** Link reference definitions, filled in by markdown-it's parser. */
  references?: Record<string, unknown>;
}

/** Schemes a link may use; everything else (javascript:, file:, data:, command:, vscode:) is left as text. */
const LINK_SCHEMES = new Set(['http', 'https', 'mailto']);
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });

// Relative links and fragments have no scheme and are kept; clicking them does nothing (see linkTarget).
md.validateLink = (url: string): boolean => {
  const scheme = SCHEME.exec(url.trim())?.[1];
  return scheme === undefined || LINK_SCHEMES.has(scheme.toLowerCase());
};

const escapeHtml = md.utils.escapeHtml;

// Images would load from the network (tracking, exfiltration through the URL), so every image,
// inline or reference-style (both become `image` tokens), is shown as text instead.
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  const alt = self.renderInlineAsText(token.children ?? [], options, env).trim();
  const src = token.attrGet('src') ?? '';
  return escapeHtml(alt ? `[image: ${alt} — ${src}]` : `[image: ${src}]`);
};

/** A fence's language, only when it is a plain identifier safe to put in a class name. */
function languageOf(info: string): string {
  const first = md.utils.unescapeAll(info).trim().split(/\s+/)[0] ?? '';
  return /^[\w#+.-]{1,40}$/.test(first) ? first : '';
}

/**
 * Code blocks become `div.code-block > pre > code.language-x`. The copy button is added later as DOM
 * (buttons are forbidden in sanitized markup), and its text comes from `env.codes`, never from the HTML.
 */
const renderCode: RenderRule = (tokens, idx, _options, env: RenderEnv) => {
  const token = tokens[idx];
  const lang = token.type === 'fence' ? languageOf(token.info) : '';
  // The fence's closing newline is syntax, not code.
  const index = env.codes.push(token.content.replace(/\n$/, '')) - 1;
  const langAttr = lang ? ` data-lang="${escapeHtml(lang)}"` : '';
  const codeClass = lang ? ` class="language-${escapeHtml(lang)}"` : '';
  return `<div class="code-block" data-code-index="${index}"${langAttr}><pre><code${codeClass}>${escapeHtml(token.content)}</code></pre></div>\n`;
};
md.renderer.rules.fence = renderCode;
md.renderer.rules.code_block = renderCode;

const PURIFY_CONFIG: Config & { RETURN_DOM_FRAGMENT: true } = {
  FORBID_TAGS: [
    'img', 'picture', 'source', 'video', 'audio', 'track', 'svg', 'math', 'style', 'script', 'link', 'meta',
    'base', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'input', 'button', 'textarea', 'select',
    'option', 'template', 'dialog',
  ],
  FORBID_ATTR: ['style', 'src', 'srcset', 'action', 'formaction', 'background', 'poster', 'ping', 'target'],
  ALLOW_DATA_ATTR: true,
  RETURN_DOM_FRAGMENT: true,
};

// DOMPurify's allow-list already excludes event handlers; this makes the rule explicit and independent of it.
DOMPurify.addHook('uponSanitizeAttribute', (_node, data) => {
  if (data.attrName.toLowerCase().startsWith('on')) data.keepAttr = false;
});

/** Raw code texts for the code blocks currently shown in each rendered element. */
const codesByElement = new WeakMap<Element, string[]>();

/** Block tokens of `text`; link reference definitions land in `env.references`. */
export function parseMarkdown(text: string, env: RenderEnv): Token[] {
  return md.parse(text, env);
}

/** Tokens from parseMarkdown (or a run of its top-level blocks) as sanitized DOM, with code toolbars. */
export function renderTokens(tokens: Token[], env: RenderEnv): DocumentFragment {
  const fragment = DOMPurify.sanitize(md.renderer.render(tokens, md.options, env), PURIFY_CONFIG);
  for (const block of fragment.querySelectorAll<HTMLElement>('div.code-block')) {
    block.prepend(codeToolbar(block.dataset.lang));
  }
  return fragment;
}

/** Records the raw code texts behind the code blocks now shown in `target`, for its copy buttons. */
export function setCodes(target: Element, codes: string[]): void {
  codesByElement.set(target, codes);
}

function codeToolbar(lang: string | undefined): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'code-toolbar';
  const label = document.createElement('span');
  label.className = 'code-lang';
  label.textContent = lang ?? '';
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'copy';
  copy.textContent = 'Copy';
  copy.title = 'Copy code';
  bar.append(label, copy);
  return bar;
}

/** The raw code behind a copy button inside a block rendered by renderTokens, if any (see setCodes). */
export function codeForCopyButton(button: Element): string | undefined {
  const block = button.closest<HTMLElement>('div.code-block');
  const index = Number(block?.dataset.codeIndex);
  if (!block || !Number.isInteger(index)) return undefined;
  for (let el = block.parentElement; el; el = el.parentElement) {
    const codes = codesByElement.get(el);
    if (codes) return codes[index];
  }
  return undefined;
}

/**
 * The URL to hand to the host for a clicked link, or undefined when the link must do nothing:
 * only absolute http(s) and mailto URLs are opened.
 */
export function linkTarget(href: string | null): string | undefined {
  if (!href || href.length > 8192) return undefined;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? href : undefined;
}
