// The lower panel's views as tabs (WAI-ARIA tabs pattern): click or arrow keys move between them,
// and the address keeps the view (#hazards, #kpis) so a supervisor can bookmark the KPI page and
// a reload comes back to it. The alarm summary above them never goes away (ISA-101: the alarms
// stay in view whatever else the operator looks at).

export class Tabs {
  /** `onSelect(name)`: a view was shown ("sites", "journal", "hazards", "kpis"). */
  constructor({ onSelect }) {
    this.onSelect = onSelect;
    this.tabs = [...document.querySelectorAll('.tabs [role=tab]')];
    for (const tab of this.tabs) {
      tab.addEventListener('click', () => this.select(tab));
      tab.addEventListener('keydown', (ev) => this.key(tab, ev));
    }
    window.addEventListener('hashchange', () => this.fromAddress());
  }

  /** The name of the view shown. */
  get current() {
    return nameOf(this.tabs.find((t) => t.getAttribute('aria-selected') === 'true') ?? this.tabs[0]);
  }

  select(tab, focus = false) {
    for (const other of this.tabs) {
      const on = other === tab;
      other.setAttribute('aria-selected', String(on));
      other.tabIndex = on ? 0 : -1;
      document.getElementById(other.getAttribute('aria-controls')).hidden = !on;
    }
    if (focus) tab.focus();
    const name = nameOf(tab);
    const hash = name === 'sites' ? '' : `#${name}`;
    if (location.hash !== hash) history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    this.onSelect?.(name);
  }

  /** Shows the view `name` if its tab is there (a daemon without a hazard register has none). */
  show(name, focus = false) {
    const tab = this.tabs.find((t) => nameOf(t) === name && !t.hidden);
    if (tab) this.select(tab, focus);
  }

  /** Hides or shows a view's tab; a hidden view that was on screen gives way to the first. */
  setAvailable(name, available) {
    const tab = this.tabs.find((t) => nameOf(t) === name);
    if (!tab || tab.hidden === !available) return;
    tab.hidden = !available;
    if (!available && this.current === name) this.select(this.tabs[0]);
  }

  /** The view the address names (#kpis), if any. */
  fromAddress() {
    const name = location.hash.slice(1);
    if (name && name !== this.current) this.show(name);
  }

  key(tab, ev) {
    const shown = this.tabs.filter((t) => !t.hidden);
    const i = shown.indexOf(tab);
    let next;
    if (ev.key === 'ArrowRight') next = shown[(i + 1) % shown.length];
    else if (ev.key === 'ArrowLeft') next = shown[(i + shown.length - 1) % shown.length];
    else if (ev.key === 'Home') next = shown[0];
    else if (ev.key === 'End') next = shown[shown.length - 1];
    if (!next) return;
    ev.preventDefault();
    this.select(next, true);
  }
}

const nameOf = (tab) => tab.id.replace(/^tab-/, '');
