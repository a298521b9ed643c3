// Modal forms on <dialog>: showModal() traps focus and Escape cancels, for free and accessibly.

/**
 * Opens `dialog`, calls `submit(form)` on submit and keeps the dialog open with the error shown
 * when it throws. Resolves true when submitted successfully, false when cancelled.
 */
export function openForm(dialog, { prepare, submit }) {
  const form = dialog.querySelector('form');
  const error = dialog.querySelector('.error');
  const primary = form.querySelector('button[type=submit]');
  form.reset();
  error.textContent = '';
  prepare?.(form);
  return new Promise((resolve) => {
    const finish = (ok) => {
      form.removeEventListener('submit', onSubmit);
      dialog.removeEventListener('cancel', onCancel);
      cancelButton.removeEventListener('click', onCancel);
      if (dialog.open) dialog.close();
      resolve(ok);
    };
    const onSubmit = async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      primary.disabled = true;
      try {
        await submit(form);
        finish(true);
      } catch (err) {
        error.textContent = err.message;
      } finally {
        primary.disabled = false;
      }
    };
    const onCancel = (ev) => {
      ev.preventDefault();
      finish(false);
    };
    const cancelButton = form.querySelector('[data-cancel]');
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener('cancel', onCancel);
    cancelButton.addEventListener('click', onCancel);
    dialog.showModal();
    const first = form.querySelector('input, select, textarea');
    (first ?? primary).focus();
  });
}
