// The node's role in a hot-standby pair (docs/ha.md): a badge in the header, and on the standby a
// banner that it only shows the partition (acknowledging and shelving happen on the active node),
// naming the node that is active. A single node says it is no pair: nothing is shown.
// When the role changes the page reloads: a node that became active (or stood down) shows its own
// alarm book from then on, not what it showed in its other role.

import { onLanguageChange, t } from './i18n.js';

const EVERY_MS = 5000;
let current = null;

function render(badge, note) {
  badge.hidden = current === null;
  note.hidden = current === null || current.role === 'active';
  if (current === null) return;
  const active = current.role === 'active';
  badge.dataset.role = active ? 'active' : 'standby';
  badge.textContent = t(active ? 'console.ha.active' : 'console.ha.standby', { node: current.node });
  if (active) return;
  const other = current.active;
  note.textContent =
    other?.online && other.node !== current.node
      ? t('console.ha.standbyNote', { node: other.node })
      : t('console.ha.standbyNoActive');
}

export function startRole() {
  const badge = document.createElement('p');
  badge.className = 'ha-role';
  badge.setAttribute('role', 'status');
  badge.hidden = true;
  document.querySelector('.topbar')?.insertBefore(badge, document.getElementById('counts'));
  const note = document.createElement('div');
  note.classList.add('banner', 'ha-standby');
  note.setAttribute('role', 'alert');
  note.hidden = true;
  document.getElementById('banner')?.after(note);
  onLanguageChange(() => render(badge, note));

  const poll = async () => {
    let res;
    try {
      res = await fetch('/api/ha', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    } catch {
      setTimeout(poll, EVERY_MS);
      return;
    }
    if (res.status === 404) return; // an older daemon
    if (res.ok) {
      const next = await res.json();
      if (next.pair === false) return; // a single node: no pair, no badge
      const was = current?.role === 'active';
      const changed = current !== null && was !== (next.role === 'active');
      current = next;
      render(badge, note);
      if (changed) location.reload();
    }
    setTimeout(poll, EVERY_MS);
  };
  void poll();
}
