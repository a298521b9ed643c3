// Table rows that follow a live list without losing the operator's place.

/**
 * Puts one row per item into `tbody`, in order, rebuilding only rows whose item changed (`sig`) and
 * moving only rows out of place, so keyboard focus on a row's button survives an update arriving
 * from the stream. `key(item)` names a row across updates; `build(item)` makes it.
 */
export function reconcile(tbody, items, { key, sig, build }) {
  const existing = new Map([...tbody.rows].map((r) => [r.dataset.key, r]));
  const focusedRow = document.activeElement?.closest?.('tr');
  const focusedAction = document.activeElement?.dataset?.action;
  items.forEach((item, i) => {
    const k = key(item);
    const s = sig(item);
    let tr = existing.get(k);
    if (!tr || tr.sig !== s) {
      const fresh = build(item);
      fresh.dataset.key = k;
      fresh.sig = s;
      if (tr) tr.replaceWith(fresh);
      if (tr && tr === focusedRow && focusedAction) fresh.querySelector(`[data-action="${focusedAction}"]`)?.focus();
      tr = fresh;
    }
    existing.delete(k);
    if (tbody.rows[i] !== tr) tbody.insertBefore(tr, tbody.rows[i] ?? null);
  });
  for (const tr of existing.values()) tr.remove();
}
