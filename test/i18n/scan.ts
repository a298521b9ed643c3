/**
 * Finds text a person would read that is written into the console's source instead of coming from
 * the catalogues (issue 14). JavaScript is parsed (vite's parser, ESTree), HTML too (parse5), so
 * comments, selectors and keys are told apart from words.
 *
 * A JS string is reported when
 * - it lands where people read it — `text`, `title`, `aria-label`, `placeholder`, `alt`, `label`
 *   properties, assignments to `textContent`/`title`/`innerText`/`innerHTML`/`placeholder`, a
 *   `setAttribute` of such an attribute, `new Error(…)`/`new ApiError(…)` (dialogs show messages)
 *   — and holds a letter; or
 * - anywhere, it reads like language: CJK characters, two words, or a capitalised word —
 *   unless it only names something (a selector, an event, a comparison operand, an import);
 * and a `t('key')` (or `data-i18n="key"`) whose key is in no catalogue is reported as missing.
 */
import { type DefaultTreeAdapterTypes, parse as parseHtml } from 'parse5';
import { parseAst } from 'vite';

export interface Finding {
  file: string;
  text: string;
  why: string;
}

type Node = { type: string; [k: string]: unknown };

const VISIBLE_PROPS = new Set(['text', 'title', 'aria-label', 'placeholder', 'alt', 'label', 'aria-description']);
const VISIBLE_MEMBERS = new Set(['textContent', 'title', 'innerText', 'innerHTML', 'placeholder', 'label', 'alt']);
/** Calls whose string arguments name things (elements, events, storage, URLs), never words. */
const NAMING_CALLS = new Set([
  'getElementById',
  'querySelector',
  'querySelectorAll',
  'closest',
  'matches',
  'addEventListener',
  'removeEventListener',
  'createElement',
  'getAttribute',
  'removeAttribute',
  'hasAttribute',
  'toggleAttribute',
  'getItem',
  'setItem',
  'removeItem',
  'fetch',
  'EventSource',
  'get',
]);
/** Properties whose values name things for the code or the stylesheet: classes, roles, data. */
const NAMING_PROPS = new Set([
  'class',
  'className',
  'type',
  'role',
  'id',
  'name',
  'datetime',
  'dataset',
  'lang',
  'key',
]);
const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;
const WORDS = /[A-Za-z]{2,}[,.:;!?…]?\s+[A-Za-z]{2,}/;
const CAPITALISED = /(^|[^A-Za-z-])[A-Z][a-z]{2,}/;
const KEY = /^[a-zA-Z][\w-]*(\.[\w-]+)+$/;

function readsLikeLanguage(s: string): boolean {
  return CJK.test(s) || WORDS.test(s) || CAPITALISED.test(s);
}

function calleeName(n: Node): string | undefined {
  const c = (n.type === 'ChainExpression' ? (n.expression as Node) : n) as Node;
  if (c.type === 'Identifier') return c.name as string;
  if (c.type === 'MemberExpression' && !c.computed) return ((c.property as Node).name as string) ?? undefined;
  return undefined;
}

function stringsOf(n: Node): string[] {
  if (n.type === 'Literal' && typeof n.value === 'string') return [n.value];
  if (n.type === 'TemplateLiteral') return (n.quasis as Node[]).map((q) => (q.value as { cooked: string }).cooked);
  return [];
}

export function scanJs(file: string, source: string, hasKey: (key: string) => boolean): Finding[] {
  const out: Finding[] = [];
  const report = (text: string, why: string) => out.push({ file, text, why });
  const ast = parseAst(source) as unknown as Node;

  const visit = (n: unknown, parent: Node | undefined, naming: boolean): void => {
    if (Array.isArray(n)) {
      for (const c of n) visit(c, parent, naming);
      return;
    }
    if (!n || typeof n !== 'object' || typeof (n as Node).type !== 'string') return;
    const node = n as Node;
    switch (node.type) {
      case 'ImportDeclaration':
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        if (node.declaration) visit(node.declaration, node, naming);
        return;
      case 'Property': {
        // Keys name things; a value under a visible key is read by people.
        const key = node.key as Node;
        const name = key.type === 'Identifier' ? key.name : key.type === 'Literal' ? String(key.value) : undefined;
        if (node.computed) visit(key, node, naming);
        if (typeof name === 'string' && VISIBLE_PROPS.has(name))
          for (const s of stringsOf(node.value as Node)) if (/\p{L}/u.test(s)) report(s, `property ${name}`);
        const names = typeof name === 'string' && (NAMING_PROPS.has(name) || name.startsWith('data-'));
        visit(node.value, node, naming || names);
        return;
      }
      case 'AssignmentExpression': {
        const left = node.left as Node;
        if (
          left.type === 'MemberExpression' &&
          !left.computed &&
          VISIBLE_MEMBERS.has((left.property as Node).name as string)
        )
          for (const s of stringsOf(node.right as Node))
            if (/\p{L}/u.test(s)) report(s, `assigned to ${(left.property as Node).name}`);
        visit(left, node, naming);
        visit(node.right, node, naming);
        return;
      }
      case 'BinaryExpression':
        // `state === 'active_unacked'`, `ev.key !== 'ArrowRight'`: values compared, not shown.
        if (['===', '!==', '==', '!='].includes(node.operator as string)) {
          visit(node.left, node, true);
          visit(node.right, node, true);
          return;
        }
        break;
      case 'SwitchCase':
        visit(node.test, node, true);
        visit(node.consequent, node, naming);
        return;
      case 'CallExpression':
      case 'NewExpression': {
        const name = calleeName(node.callee as Node);
        const args = node.arguments as Node[];
        if (name === 't')
          for (const a of args.slice(0, 1)) {
            for (const s of stringsOf(a))
              if (a.type === 'Literal' ? !hasKey(s) : s && !hasKey(s.replace(/\.$/, '')))
                report(s, 'key in no catalogue');
          }
        if (name === 'setAttribute') {
          const attr = stringsOf(args[0] as Node)[0];
          if (attr && VISIBLE_PROPS.has(attr))
            for (const s of stringsOf(args[1] as Node)) if (/\p{L}/u.test(s)) report(s, `attribute ${attr}`);
          visit(args[0], node, true);
          visit(args.slice(1), node, naming);
          return;
        }
        // The message of an Error (a dialog shows it); ApiError's third argument is the server's detail.
        const message = name === 'Error' ? args[0] : name === 'ApiError' ? args[2] : undefined;
        if (node.type === 'NewExpression' && message)
          for (const s of stringsOf(message)) if (/[A-Za-z]{2,}/.test(s)) report(s, `${name} message`);
        visit(node.callee, node, naming);
        // The tag of el('button', …) and a key of t('…') name things too.
        const namesArgs = name !== undefined && (NAMING_CALLS.has(name) || name === 't' || name === 'el');
        args.forEach((a, i) => {
          visit(a, node, naming || (namesArgs && (name !== 'el' || i === 0)));
        });
        return;
      }
      case 'Literal':
      case 'TemplateLiteral':
        if (!naming)
          for (const s of stringsOf(node)) if (!KEY.test(s) && readsLikeLanguage(s)) report(s, 'reads like language');
        if (node.type === 'TemplateLiteral') visit(node.expressions, node, naming);
        return;
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'type' && v && typeof v === 'object') visit(v, node, naming);
  };
  visit(ast, undefined, false);
  return out;
}

/** Text that may stand in the HTML as written: the product's name and what is not language. */
const HTML_ALLOWED = new Set(['gaswatch']);
const HTML_VISIBLE_ATTRS = ['title', 'aria-label', 'placeholder', 'alt', 'label', 'aria-description', 'value'];

export function scanHtml(file: string, source: string, hasKey: (key: string) => boolean): Finding[] {
  const out: Finding[] = [];
  const doc = parseHtml(source);
  const walk = (node: DefaultTreeAdapterTypes.ChildNode | DefaultTreeAdapterTypes.Document): void => {
    if (node.nodeName === '#text') {
      const text = (node as DefaultTreeAdapterTypes.TextNode).value.trim();
      if (text && !HTML_ALLOWED.has(text) && /\p{L}/u.test(text)) out.push({ file, text, why: 'text in the HTML' });
      return;
    }
    if ('attrs' in node) {
      const el = node as DefaultTreeAdapterTypes.Element;
      const inScript = el.nodeName === 'script' || el.nodeName === 'style';
      for (const a of el.attrs) {
        if (a.name === 'data-i18n' && !hasKey(a.value)) out.push({ file, text: a.value, why: 'key in no catalogue' });
        if (a.name === 'data-i18n-attr')
          for (const pair of a.value.split(';')) {
            const key = pair.split(':')[1] ?? '';
            if (!hasKey(key)) out.push({ file, text: key, why: 'key in no catalogue' });
          }
        const buttonValue = a.name === 'value' && !['input', 'button'].includes(el.nodeName);
        if (HTML_VISIBLE_ATTRS.includes(a.name) && !buttonValue && /\p{L}/u.test(a.value))
          out.push({ file, text: a.value, why: `attribute ${a.name}` });
      }
      if (inScript) return;
    }
    const children =
      'content' in node && node.content
        ? node.content.childNodes
        : 'childNodes' in node
          ? (node.childNodes as DefaultTreeAdapterTypes.ChildNode[])
          : [];
    for (const c of children) walk(c);
  };
  walk(doc);
  return out;
}
