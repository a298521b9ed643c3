/**
 * What the console tests check on a page, shared by the fixture and end-to-end browser tests: the
 * texts a person reads (and the accessible names), whether they are all in one language, whether
 * any header control overlaps another, and whether the page scrolls sideways.
 */

import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Locale } from '../../src/i18n/index.js';

/** Visible text nodes and the accessible names of visible elements under `root`. */
export async function visibleTexts(page: Page, root: string): Promise<string[]> {
  return page.evaluate((sel) => {
    type El = {
      checkVisibility(o?: object): boolean;
      getAttribute(n: string): string | null;
      closest(s: string): El | null;
      tagName: string;
    };
    type TextNode = { nodeValue: string | null; parentElement: El | null };
    const d = (globalThis as unknown as { document: Record<string, (...a: unknown[]) => unknown> }).document;
    const base = d.querySelector?.(sel) as El & { querySelectorAll(s: string): El[] };
    const out: string[] = [];
    const walker = d.createTreeWalker?.(base, 4) as { nextNode(): TextNode | null };
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const p = n.parentElement;
      const text = (n.nodeValue ?? '').trim();
      // <option>s of a closed <select> are not rendered but are what its control shows and offers.
      if (text && p && (p.checkVisibility({ visibilityProperty: true }) || p.tagName === 'OPTION')) out.push(text);
    }
    for (const e of base.querySelectorAll('[aria-label], [title], [placeholder]'))
      if (e.checkVisibility({ visibilityProperty: true }))
        for (const a of ['aria-label', 'title', 'placeholder']) {
          const v = e.getAttribute(a);
          if (v) out.push(v);
        }
    return out;
  }, root);
}

export const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;

/**
 * Texts under `root` that are not in `locale`, once `data` is taken out: ids, units, numbers,
 * names people typed, standards and product names, which stand as written in every language.
 */
export function notIn(locale: Locale, texts: string[], data: (string | RegExp)[]): string[] {
  return texts.filter((raw) => {
    let s = raw;
    for (const d of data) s = typeof d === 'string' ? s.split(d).join(' ') : s.replace(d, ' ');
    return locale === 'en' ? CJK.test(s) : /[A-Za-z]{2,}/.test(s);
  });
}

/** The controls of the header, as one list: each must be clear of the others and inside the window. */
export const HEADER_CONTROLS =
  '.topbar .brand, #link, #counts .count, #hazard-badge, #sound-enable, #sound-silence, #sound-note, #user, #login-open, #logout, #language, #clock';

/** Overlaps and controls outside the window among the visible header controls, and how many there are. */
export async function headerProblems(page: Page): Promise<{ out: string[]; count: number }> {
  return page.evaluate((selector) => {
    type R = { left: number; right: number; top: number; bottom: number; width: number };
    type E = { id: string; className: string; getBoundingClientRect(): R; checkVisibility(): boolean };
    const d = (globalThis as unknown as { document: { querySelectorAll(s: string): E[] } }).document;
    const controls = [...d.querySelectorAll(selector)].filter((e) => e.checkVisibility());
    const viewport = (globalThis as unknown as { innerWidth: number }).innerWidth;
    const name = (e: E) => e.id || e.className;
    const out: string[] = [];
    for (const e of controls) {
      const r = e.getBoundingClientRect();
      if (r.left < 0 || r.right > viewport) out.push(`${name(e)} outside the window`);
    }
    for (let i = 0; i < controls.length; i++)
      for (let j = i + 1; j < controls.length; j++) {
        const a = (controls[i] as E).getBoundingClientRect();
        const b = (controls[j] as E).getBoundingClientRect();
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 0.5 && y > 0.5) out.push(`${name(controls[i] as E)} overlaps ${name(controls[j] as E)}`);
      }
    return { out, count: controls.length };
  }, HEADER_CONTROLS);
}

/** How many CSS pixels the page is wider than the window (0: no sideways scrolling). */
export async function sideways(page: Page): Promise<number> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    return g.document.documentElement.scrollWidth - g.innerWidth;
  });
}

/** Every button under `root` that is visible has an accessible name (its text or aria-label). */
export async function unnamedButtons(page: Page, root: string): Promise<string[]> {
  return page.evaluate((sel) => {
    type B = {
      checkVisibility(): boolean;
      getAttribute(n: string): string | null;
      textContent: string | null;
      outerHTML: string;
    };
    const d = (globalThis as unknown as { document: { querySelectorAll(s: string): B[] } }).document;
    return [...d.querySelectorAll(`${sel} button, ${sel} [role=tab]`)]
      .filter((b) => b.checkVisibility() && !(b.getAttribute('aria-label') ?? b.textContent ?? '').trim())
      .map((b) => b.outerHTML.slice(0, 120));
  }, root);
}

/** Header clear, no sideways scrolling, at each width (a screenshot each, named `${name}-${width}.png`). */
export async function expectHeaderClear(
  page: Page,
  widths: number[],
  expectedControls: number,
  shoot?: (width: number) => Promise<unknown>,
): Promise<void> {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 800 });
    const h = await headerProblems(page);
    expect(h.count, `${width} px: header controls`).toBe(expectedControls);
    expect(h.out, `${width} px`).toEqual([]);
    expect(await sideways(page), `${width} px: the page scrolls sideways`).toBeLessThanOrEqual(0);
    await shoot?.(width);
  }
}
