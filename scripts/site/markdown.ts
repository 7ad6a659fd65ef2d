// Markdown of notebook cells to HTML: markdown-it for the text, KaTeX for $...$ and $$...$$
// (rendered at build time, so pages need KaTeX's stylesheet and fonts but no script), and
// highlight.js for fenced code. Math is cut out before markdown-it sees it (so `_` and `*` inside
// a formula are not read as emphasis) and put back, rendered, afterwards.
import { toolsRequire } from "../tools";

type MarkdownIt = { render(src: string): string };
type Katex = { renderToString(tex: string, options: { displayMode: boolean; throwOnError: boolean; output?: string }): string };
type Hljs = { highlight(code: string, options: { language: string }): { value: string }; getLanguage(name: string): unknown };

let md: MarkdownIt | null = null;

export function highlight(code: string, language = "typescript"): string {
  const hljs = toolsRequire<Hljs>("highlight.js");
  const lang = hljs.getLanguage(language) ? language : "plaintext";
  return hljs.highlight(code, { language: lang }).value;
}

function markdownIt(): MarkdownIt {
  if (md) return md;
  const MarkdownItCtor = toolsRequire<new (o: Record<string, unknown>) => MarkdownIt>("markdown-it");
  md = new MarkdownItCtor({
    html: true,
    linkify: true,
    typographer: false,
    highlight: (code: string, lang: string) => `<pre class="hljs"><code>${highlight(code, lang || "typescript")}</code></pre>`,
  });
  return md;
}

// Private-use characters: markdown-it passes them through (it replaces NUL).
const PLACEHOLDER = (i: number) => `\uE000${i}\uE001`;

/** Markdown with LaTeX math to HTML. */
export function renderMarkdown(source: string): string {
  const katex = toolsRequire<Katex>("katex");
  const math: string[] = [];
  const keep = (tex: string, display: boolean) => {
    math.push(katex.renderToString(tex, { displayMode: display, throwOnError: false, output: "html" }));
    return PLACEHOLDER(math.length - 1);
  };
  // Code spans and fences keep their dollars: set them aside first.
  const code: string[] = [];
  let text = source.replace(/```[\s\S]*?```|`[^`\n]+`/g, (m) => {
    code.push(m);
    return `\uE002${code.length - 1}\uE003`;
  });
  text = text.replace(/\$\$([\s\S]+?)\$\$/g, (_, tex: string) => `\n\n${keep(tex.trim(), true)}\n\n`);
  text = text.replace(/(^|[^\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)/g, (_, pre: string, tex: string) => pre + keep(tex, false));
  text = text.replace(/\uE002(\d+)\uE003/g, (_, i: string) => code[Number(i)]);
  const html = markdownIt().render(text);
  return html.replace(/\uE000(\d+)\uE001/g, (_, i: string) => math[Number(i)]);
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
