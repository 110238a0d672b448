/**
 * The person's link: `/preferences#token=<link token>` (and, from a double opt-in email,
 * `&confirm=<confirmation token>`). The tokens travel in the fragment, which browsers
 * never send to a server, so no access log or proxy sees them; the page keeps them in
 * sessionStorage (this tab only) and takes them out of the address bar at once, so they
 * stay out of the history, bookmarks and screenshots.
 */

const TOKEN_KEY = 'preference-centre.token';
const CONFIRM_KEY = 'preference-centre.confirm';

/** What the page was opened with, or kept from earlier in this tab. */
export interface PreferenceLink {
  /** The customer's link token, the credential of every request; null when the page has none. */
  token: string | null;
  /** A double opt-in confirmation token waiting for the person's press of "Confirm". */
  confirm: string | null;
}

/** Takes the tokens from the fragment into sessionStorage, clears the fragment, and returns what is held. */
export function takeLinkFromAddress(): PreferenceLink {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const token = fragment.get('token');
  const confirm = fragment.get('confirm');
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  if (confirm) sessionStorage.setItem(CONFIRM_KEY, confirm);
  if (window.location.hash) history.replaceState(history.state, '', window.location.pathname + window.location.search);
  return { token: sessionStorage.getItem(TOKEN_KEY), confirm: sessionStorage.getItem(CONFIRM_KEY) };
}

/** The link token requests carry. */
export function linkToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Forgets the confirmation token once it was used (or refused). */
export function forgetConfirmation(): void {
  sessionStorage.removeItem(CONFIRM_KEY);
}

/**
 * Whether the token's `exp` has passed, read without checking its signature: only to
 * tell the person why the gateway refused it (expired rather than not valid). The
 * gateway's check is the one that counts.
 */
export function looksExpired(token: string): boolean {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' && payload.exp * 1000 <= Date.now();
  } catch {
    return false;
  }
}
