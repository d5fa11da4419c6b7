// Copying text. The shell grants the window no clipboard permission (electron/windows/session-policy.ts),
// so navigator.clipboard may refuse; a copy command on a hidden text field, run from the user's own
// click or key, needs none.

/** Puts `text` on the clipboard; true if it worked. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Fall through to the copy command.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  const before = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  document.body.appendChild(area);
  area.select();
  let done = false;
  try {
    // Deprecated, but the one way without a permission; nothing replaces it yet.
    done = document.execCommand('copy');
  } catch {
    done = false;
  }
  area.remove();
  before?.focus();
  return done;
}
