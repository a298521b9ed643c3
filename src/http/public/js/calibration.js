// A sensor's calibration in the sensor table (SPEC §11: calibratedAt and calibrationInterval in the
// site file): when it is due, in the site's zone; past it, "overdue" as a badge — the calibration
// rule registers a hidden hazard for it too; within SOON_DAYS, how many days are left.

import { el, formatDate, overdueBadge, zoneOf } from './format.js';
import { t } from './i18n.js';

const DAY = 24 * 3600_000;
/** A calibration due within this many days is announced beside its date. */
const SOON_DAYS = 30;

/** Fills `td` of the sensor row `tr`; the last calibration is the cell's title. Redone once a day at most. */
export function fillCalibration(tr, td, s) {
  const sig = `${s.calibratedAt}|${s.calibrationDue}|${new Date().toDateString()}`;
  if (td.sig === sig) return;
  td.sig = sig;
  const zone = zoneOf(s.site);
  const due = s.calibrationDue ? Date.parse(s.calibrationDue) : Number.NaN;
  const overdue = due <= Date.now();
  tr.classList.toggle('calibration-overdue', overdue);
  if (Number.isNaN(due)) {
    td.replaceChildren('—');
    td.removeAttribute('title');
    return;
  }
  const days = Math.ceil((due - Date.now()) / DAY);
  td.replaceChildren(
    ...(overdue ? [overdueBadge(t('console.sensors.calibrationOverdue'))] : []),
    el('time', { datetime: s.calibrationDue, text: formatDate(s.calibrationDue, zone) }),
    ...(!overdue && days <= SOON_DAYS
      ? [el('span', { class: 'rel', text: t('console.sensors.calibrationSoon', { count: days }) })]
      : []),
  );
  if (s.calibratedAt) td.title = t('console.sensors.calibratedAt', { date: formatDate(s.calibratedAt, zone) });
  else td.removeAttribute('title');
}
