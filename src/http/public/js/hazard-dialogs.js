// The hazard dialogs: registering a hazard by hand (隐患登记), and one note dialog for rectify
// (整改完成), verify (验收销号) and reopen (退回整改). A refusal — the two-person rule, a condition
// still present, a hazard changed meanwhile — stays in the open dialog as a message (role=alert):
// never a silent failure, and the operator's note is not lost.

import { ApiError, api } from './api.js';
import { openForm } from './dialogs.js';
import { el, siteName } from './format.js';
import { t } from './i18n.js';

/** A note says what was done (rectify) or why it is not done (reopen); a verification may add one. */
const NOTE_REQUIRED = { rectify: true, verify: false, reopen: true };

export function hazardDesc(h) {
  return t('console.hazards.describe', {
    id: h.id,
    site: siteName(h.site),
    sensor: h.sensor ? ` / ${h.sensor}` : '',
    description: h.description,
  });
}

/** The API's refusals in the operator's words; `invalid_state` and `not_found` about a hazard, not an alarm. */
function explain(err) {
  if (err instanceof ApiError && (err.code === 'invalid_state' || err.code === 'not_found'))
    return new Error(t(`console.hazards.error.${err.code}`));
  return err;
}

/**
 * Rectify, verify or reopen `h` with a note. `onDone(record)` gets the hazard as the register now
 * has it; `onStale()` is called when the hazard changed meanwhile (the view reloads).
 */
export function noteDialog(h, action, { onDone, onStale }) {
  const d = document.getElementById('hazard-note-dialog');
  return openForm(d, {
    prepare: (form) => {
      // { title, note, submit } of the action, in the console's language.
      const words = t(`console.hazards.${action}`, { returnObjects: true });
      d.dataset.action = action;
      d.querySelector('h2').textContent = words.title;
      d.querySelector('.alarm-desc').textContent = hazardDesc(h);
      d.querySelector('.rule').hidden = action !== 'verify';
      d.querySelector('.note-label').textContent = words.note;
      form.elements.note.required = NOTE_REQUIRED[action];
      form.querySelector('button[type=submit]').textContent = words.submit;
    },
    submit: async (form) => {
      const note = form.elements.note.value.trim();
      try {
        onDone(await api.hazardCommand(h.id, action, note || null));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'invalid_state') onStale?.();
        throw explain(err);
      }
    },
  });
}

/** Register a hazard by hand at one of `sites` (`site` chosen first). */
export function registerDialog({ sites, site, onDone }) {
  const d = document.getElementById('hazard-register-dialog');
  return openForm(d, {
    prepare: (form) => {
      const select = form.elements.site;
      select.replaceChildren(...sites.map((s) => el('option', { value: s.site, text: siteName(s.site) })));
      select.value = site && sites.some((s) => s.site === site) ? site : (sites[0]?.site ?? '');
      select.onchange = () => void listSensors(form);
      void listSensors(form);
    },
    submit: async (form) => {
      const f = form.elements;
      try {
        onDone(
          await api.registerHazard({
            site: f.site.value,
            sensor: f.sensor.value || null,
            severity: f.severity.value,
            description: f.description.value.trim(),
          }),
        );
      } catch (err) {
        throw explain(err);
      }
    },
  });
}

/** The configured sensors of the chosen site; "none" (the whole site) always first. */
async function listSensors(form) {
  const select = form.elements.sensor;
  const site = form.elements.site.value;
  select.replaceChildren(el('option', { value: '', text: t('console.hazards.register.sensorNone') }));
  if (!site) return;
  let list;
  try {
    list = await api.sensors(site);
  } catch {
    return; // unlisted sensors: the hazard can still be registered for the whole site
  }
  if (form.elements.site.value !== site) return;
  select.append(
    ...list
      .filter((s) => s.configured)
      .map((s) => el('option', { value: s.sensor, text: s.name ? `${s.sensor} ${s.name}` : s.sensor })),
  );
}
